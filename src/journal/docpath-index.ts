/**
 * Docpath → relative path over an EntryStore's entries, built on the first lookup and kept up to
 * date from then on: only a pass that asks (a verification adopting a listed document) pays for
 * it. When several entries held one docpath, the latest one set wins.
 */
export class DocpathIndex {
  private index: Map<string, string> | undefined;
  private readonly entries: () => Iterable<[docpath: string, relativePath: string]>;

  /** `entries`: every entry's docpath and relative path, in insertion order (read once, on the first lookup). */
  constructor(entries: () => Iterable<[docpath: string, relativePath: string]>) {
    this.entries = entries;
  }

  /** The relative path whose entry holds `docpath`. */
  pathOf(docpath: string): string | undefined {
    this.index ??= new Map(this.entries());
    return this.index.get(docpath);
  }

  /** `relativePath`'s entry now holds the docpath `docpathOf` makes (made only once the index exists). */
  set(relativePath: string, docpathOf: () => string): void {
    this.index?.set(docpathOf(), relativePath);
  }

  /** `relativePath`'s entry leaves the docpath `docpathOf` makes, unless another path has taken it over since. */
  drop(relativePath: string, docpathOf: () => string): void {
    if (this.index === undefined) return;
    const docpath = docpathOf();
    if (this.index.get(docpath) === relativePath) this.index.delete(docpath);
  }
}
