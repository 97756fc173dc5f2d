import { Layout, type Shell } from '../layout.tsx';

/** A page that only says something: not found, not allowed, a fault. */
export function MessagePage({ shell, heading, message }: { shell: Shell; heading: string; message: string }) {
  return (
    <Layout shell={shell}>
      <h1 safe>{heading}</h1>
      <p class="error" role="alert" safe>
        {message}
      </p>
    </Layout>
  );
}
