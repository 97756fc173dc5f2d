/**
 * The ILLiad simulator's public surface: `startIlliadSimulator` and the types of what it stores and answers
 * (illiad.md §1.3–1.4) and of its NCIP add-on events (§2.1). Everything lives in server.ts; this is the short path.
 */
export * from './server.ts';
