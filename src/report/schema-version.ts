/**
 * The JSON report's format version (`schemaVersion`). Its own module so that writing a report does not
 * build the report's zod schema (src/report/model.ts), which only readers of reports need.
 */
export const REPORT_SCHEMA_VERSION = 1;
