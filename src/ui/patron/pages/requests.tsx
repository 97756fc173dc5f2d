import type { PatronRequestView } from '../../../app/patron-requests.ts';
import { PatronLayout, type PatronShell } from '../layout.tsx';

function RequestCard({ request, csrf, heading }: { request: PatronRequestView; csrf: string; heading: 'h1' | 'h2' }) {
  const title = request.part ? request.part : request.title;
  const Heading = heading;
  return (
    <article class={`request ${request.status.tone}`} aria-labelledby={`r-${request.id}`}>
      <Heading id={`r-${request.id}`}>
        {heading === 'h2' ? (
          <a href={`/patron/requests/${encodeURIComponent(request.id)}`} safe>
            {title}
          </a>
        ) : (
          <span safe>{title}</span>
        )}
      </Heading>
      {request.part ? <p safe>{`In ${request.title}`}</p> : ''}
      {request.author ? <p safe>{request.author}</p> : ''}
      <p class="status" safe>
        {request.status.text.charAt(0).toUpperCase() + request.status.text.slice(1)}
      </p>
      <p class="muted" safe>{`${request.citationType}, requested ${request.requestedOn}, to pick up at ${request.pickupLibrary}`}</p>
      {request.renewal && !request.renewal.offered ? (
        <p class="muted" safe>
          {`Renewal: ${request.renewal.why}.`}
        </p>
      ) : (
        ''
      )}
      {request.mayCancel || request.renewal?.offered ? (
        <div class="buttons">
          {request.mayCancel ? (
            <form method="post" action={`/patron/requests/${encodeURIComponent(request.id)}/cancel`}>
              <input type="hidden" name="_csrf" value={csrf} />
              <button type="submit" class="secondary" aria-label={`Cancel the request for ${title}`}>
                Cancel the request
              </button>
            </form>
          ) : (
            ''
          )}
          {request.renewal?.offered ? (
            <form method="post" action={`/patron/requests/${encodeURIComponent(request.id)}/renew`}>
              <input type="hidden" name="_csrf" value={csrf} />
              <button type="submit" aria-label={`Ask for a renewal of ${title}`}>
                Ask for a renewal
              </button>
            </form>
          ) : (
            ''
          )}
        </div>
      ) : (
        ''
      )}
    </article>
  );
}

export function PatronRequestsPage({ shell, requests, csrf, notice }: { shell: PatronShell; requests: readonly PatronRequestView[]; csrf: string; notice?: string | undefined }) {
  return (
    <PatronLayout shell={shell}>
      <h1>My requests</h1>
      {notice ? (
        <p class="notice" role="status" safe>
          {notice}
        </p>
      ) : (
        ''
      )}
      {requests.length ? (
        <ul class="requests">
          {requests.map((request) => (
            <li>
              <RequestCard request={request} csrf={csrf} heading="h2" />
            </li>
          ))}
        </ul>
      ) : (
        <p>
          You have no requests yet. <a href="/patron/request">Ask for something</a>, or use the request link in the library’s catalogue.
        </p>
      )}
    </PatronLayout>
  );
}

export function PatronRequestPage({ shell, request, csrf }: { shell: PatronShell; request: PatronRequestView; csrf: string }) {
  return (
    <PatronLayout shell={shell}>
      <p class="muted">
        <a href="/patron/requests">My requests</a>
      </p>
      <RequestCard request={request} csrf={csrf} heading="h1" />
    </PatronLayout>
  );
}
