/** The ISO 18626 peer mock's public surface: `startPeerMock` (server.ts) and the scenario vocabulary (scenarios.ts). */
export * from './server.ts';
export { SCENARIO_TOKENS, planScenario, scenarioFor, type ScenarioPlan, type ScenarioStep } from './scenarios.ts';
