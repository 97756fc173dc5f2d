/**
 * The ISO 18626 schemas and samples from the shared conformance data (shared/conformance/SOURCES.md), read at run
 * time from `../shared` beside the project: they are GPL/AGPL/Apache test data and are never copied into the
 * repository.
 */
import { xsd, type XsdSchema } from '../../src/protocols/xml/xsd.ts';

export const ISO18626_V1_2_SCHEMA_URL = new URL('../../../shared/conformance/schemas/iso18626/ISO-18626-v1_2.xsd', import.meta.url);
export const ISO18626_2021_SCHEMA_URL = new URL('../../../shared/conformance/schemas/iso18626/ISO-18626-2021-2.xsd', import.meta.url);
export const ISO18626_SAMPLES_URL = new URL('../../../shared/conformance/samples/iso18626/', import.meta.url);

/** The compiled ISO 18626 v1.2 (2017) schema (compiled once per test process). */
export const iso18626Schema = (): XsdSchema => xsd(ISO18626_V1_2_SCHEMA_URL);
