/**
 * The first ```js block of the README section whose heading starts with `title` (up to the next heading of its level
 * or higher), or undefined. The checks run the README's own text, so the two cannot drift; one extractor for the
 * Node spec (test/readme_gpu_in_node.spec.ts) and the package checks (test/playwright/package_files.mjs).
 */
export function readmeBlock(readme: string, title: string): string | undefined {
  const heading = new RegExp(`^(#+) ${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}.*$`, 'm').exec(readme);
  if (!heading) return undefined;
  const section = readme.slice(heading.index + heading[0].length).split(new RegExp(`^#{1,${heading[1].length}} `, 'm'));
  return /^```js\n([\s\S]*?)^```/m.exec(section[0])?.[1];
}
