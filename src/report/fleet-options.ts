// The fleet summary's formats, apart from the renderers so that `--help` loads no table library.
export const FLEET_FORMATS = ['table', 'json', 'markdown'] as const;
export type FleetFormat = (typeof FLEET_FORMATS)[number];
