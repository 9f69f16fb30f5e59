/** A page as the list fields build it: its edges with cursors, and whether more lie either side. */
export interface CursorPage {
  readonly edges: readonly { readonly cursor: string }[];
  readonly hasNextPage: boolean;
  readonly hasPreviousPage: boolean;
}

/** Relay's `PageInfo` of a page: its flags, and the cursors of its first and last edge. */
export function pageInfoOf(page: CursorPage) {
  return {
    hasNextPage: page.hasNextPage,
    hasPreviousPage: page.hasPreviousPage,
    startCursor: page.edges[0]?.cursor ?? null,
    endCursor: page.edges[page.edges.length - 1]?.cursor ?? null,
  };
}
