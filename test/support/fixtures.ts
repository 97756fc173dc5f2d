/** Small valid objects for API tests. */
export const library = (code: string, extra: Record<string, unknown> = {}) => ({ code, name: `${code} Library`, isResourceSharing: true, isPickup: true, ...extra });

export const ncipPartner = (code: string, extra: Record<string, unknown> = {}) => ({
  code,
  name: `${code} broker`,
  profileType: 'NCIP',
  systemType: 'ILLIAD',
  ncip: {
    generalInformation: { userIdentifierType: 'EMAIL', userIdentifierRegex: '^[^@]*', defaultLibraryOwner: 'MAIN' },
    acceptItem: { defaultLocation: 'RS_LONG_LOAN', receiveDesk: 'RS_DESK', automaticReceive: true },
    exportToThirdParty: { exportToThirdParty: 'USING_API', url: 'https://illiad.example.edu/ILLiadWebPlatform', apiKey: 'a-literal-api-key-1234' },
  },
  ...extra,
});

export const isoPartner = (code: string, extra: Record<string, unknown> = {}) => ({
  code,
  name: `${code} peer`,
  profileType: 'ISO18626',
  iso18626: { url: `https://${code.toLowerCase()}.example.org/iso18626`, agencyIdValue: `US-${code}` },
  ...extra,
});

/** Libraries, a location, a desk and a policy that the partner fixtures name. */
export async function seedPlaces(call: (method: 'POST', url: string, options: { body: unknown }) => Promise<{ statusCode: number; body: string }>): Promise<void> {
  const posts: [string, unknown][] = [
    ['/api/v1/libraries', library('MAIN')],
    ['/api/v1/libraries', library('SCIENCE', { isResourceSharing: false })],
    ['/api/v1/locations', { code: 'RS_LONG_LOAN', name: 'Resource Sharing Long Loan', library: 'MAIN' }],
    ['/api/v1/desks', { code: 'RS_DESK', name: 'Resource Sharing Desk', library: 'MAIN' }],
    ['/api/v1/item-policies', { code: 'GENERAL', name: 'General loan', loanPeriodDays: 28 }],
  ];
  for (const [url, body] of posts) {
    const response = await call('POST', url, { body });
    if (response.statusCode !== 201) throw new Error(`seeding ${url} failed: ${response.statusCode} ${response.body}`);
  }
}
