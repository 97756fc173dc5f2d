/**
 * The NCIP 2.02 schema and samples from the shared conformance data (shared/conformance/SOURCES.md), read at run
 * time from `../shared` beside the project: they are GPL/AGPL/MIT/unlicensed test data and are never copied into
 * the repository.
 */
import { xsd, type XsdSchema } from '../../src/protocols/xml/xsd.ts';

export const NCIP_SCHEMA_URL = new URL('../../../shared/conformance/schemas/ncip/ncip_v2_02.xsd', import.meta.url);
export const NCIP_SAMPLES_URL = new URL('../../../shared/conformance/samples/ncip/', import.meta.url);

/** The compiled NCIP 2.02 schema (compiled once per test process). */
export const ncipSchema = (): XsdSchema => xsd(NCIP_SCHEMA_URL);
