/**
 * Loads the spec modules one by one (the generated entries call this). A spec module that fails
 * to load becomes one failing spec named after its file, so the other specs still run.
 */
export type SpecModule = [file: string, load: () => Promise<unknown>];

export async function loadSpecs(specs: SpecModule[]): Promise<void> {
  for (const [file, load] of specs) {
    try {
      await load();
    } catch (e) {
      describe(`[load] ${file}`, () => {
        it('loads without error', () => {
          throw e instanceof Error ? e : new Error(String(e));
        });
      });
    }
  }
}
