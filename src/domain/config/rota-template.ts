import { z } from 'zod';
import { ACTIVE_STATUS, ROTA_TEMPLATE_TYPE } from './enums.ts';
import { codeSchema, nameSchema } from './fields.ts';

/** A named list of partners (guide: Rota Template). Ordered keeps member order; Non Ordered is shuffled per request. */
export const rotaTemplateSchema = z
  .strictObject({
    code: codeSchema,
    name: nameSchema,
    type: z.enum(ROTA_TEMPLATE_TYPE.values).default('ORDERED'),
    status: z.enum(ACTIVE_STATUS.values).default('ACTIVE'),
    /** Partner codes, in order. */
    members: z.array(codeSchema).default([]),
  })
  .superRefine((template, ctx) => {
    const seen = new Set<string>();
    template.members.forEach((member, index) => {
      if (seen.has(member)) ctx.addIssue({ code: 'custom', path: ['members', index], message: `partner ${member} is already a member` });
      seen.add(member);
    });
  });
export type RotaTemplate = z.output<typeof rotaTemplateSchema>;
