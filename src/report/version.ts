/** The version of the report document (`schemaVersion`): bumped by a breaking change, never by an addition. */
export const SCHEMA_VERSION = 1;
