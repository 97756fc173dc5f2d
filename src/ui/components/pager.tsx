/** Previous / next links under a list; each is left out when there is no such page. */
export function Pager({ previous, next }: { previous?: string | null | undefined; next?: string | null | undefined }) {
  return (
    <nav class="pages" aria-label="Pages">
      {previous ? <a href={previous}>Previous page</a> : ''}
      {next ? <a href={next}>Next page</a> : ''}
    </nav>
  );
}
