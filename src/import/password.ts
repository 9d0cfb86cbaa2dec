/** Asks the person for a PDF's password: null when they cancel. `wrong`: the last one did not open the file. */
export type PasswordPrompt = (fileName: string, wrong: boolean) => Promise<string | null>;
