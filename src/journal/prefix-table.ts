/** Interned strings by small number: a journal's docpath prefixes (`org/folder/`), one or a few per mirror. */
export class PrefixTable {
  private readonly prefixes: string[] = [];
  private readonly ids = new Map<string, number>();

  /** The number of `prefix`, given it on first sight. */
  idOf(prefix: string): number {
    let id = this.ids.get(prefix);
    if (id === undefined) {
      id = this.prefixes.length;
      this.prefixes.push(prefix);
      this.ids.set(prefix, id);
    }
    return id;
  }

  /** The prefix numbered `id`. */
  at(id: number): string {
    return this.prefixes[id]!;
  }
}
