/** The stylesheets the library runs, by the name the runtime knows them by (paths under kit/sat/www.sat.gob.mx). */
export declare const ROOT_STYLESHEETS: Readonly<Record<'cfdi40' | 'cfdi33' | 'tfd11', string>>;

/** The source text of src/sealing/cadena-program.ts, compiled from the SAT kit at `kitDir`. */
export declare function generateCadenaProgram(kitDir: string): string;
