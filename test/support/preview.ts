/** One expected entry of a `WritePreview`'s `changes`, as GraphQL answers it (the vendors' dry-run tables). */
export interface ExpectedChange {
  readonly path: string;
  readonly kind: 'ADDED' | 'REMOVED' | 'CHANGED' | 'SET' | 'UNSET' | 'UNCHANGED';
  readonly secret: boolean;
  readonly before: string | null;
  readonly after: string | null;
}
