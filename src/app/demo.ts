/**
 * Demo mode (design.md): on an empty database the server loads the guide's configuration and a few patrons, so
 * a newcomer sees a working setup at once. The mode is remembered, so the banner stays after a restart.
 */
import type { ConfigTransfer, ImportReport } from './config-transfer.ts';
import type { PatronAuthService } from './patron-auth.ts';
import type { Storage } from './ports.ts';

/** The demo patrons' PIN for the patron pages (docs/patrons.md): a demo has no secrets. */
export const DEMO_PIN = '1234';

const MODE_SETTING = 'mode';

export async function isDemo(storage: Storage): Promise<boolean> {
  return (await storage.read.settings.get(MODE_SETTING)) === 'demo';
}

/** An empty database has no institution and no partner. */
export async function isEmpty(storage: Storage): Promise<boolean> {
  const institution = await storage.read.institution.get();
  const partners = await storage.read.config('partners').list({ limit: 1, offset: 0, filters: {} });
  return !institution && partners.total === 0;
}

/**
 * Loads the demo files into an empty database. The guide keeps the ILLiad rota template Inactive until go-live;
 * the demo is a sandbox that has gone live, so it switches the template on.
 */
export async function loadDemo(storage: Storage, transfer: ConfigTransfer, files: { configuration: string; patrons: string }): Promise<ImportReport[]> {
  const reports = [await transfer.importYaml(files.configuration), await transfer.importYaml(files.patrons)];
  await storage.transaction(async (repos) => {
    const templates = repos.config('rota-templates');
    for (const template of await templates.all()) {
      if (template.doc.status === 'INACTIVE') await templates.update({ ...template, doc: { ...template.doc, status: 'ACTIVE' } }, template.revision);
    }
    await repos.settings.put(MODE_SETTING, 'demo');
  });
  return reports;
}

/** Gives every patron the demo PIN, so the patron pages can be tried at once (only when the demo is loaded). */
export async function setDemoPins(storage: Storage, patronAuth: PatronAuthService): Promise<void> {
  for (const patron of await storage.read.config('patrons').all()) await patronAuth.setPin(patron.doc.primaryId, DEMO_PIN);
}
