/** What a held write tells a person whose browser sent it (a form post, a link to a write). */
export interface HeldWrite {
  readonly projection?: string;
  readonly phase?: string;
  readonly progress?: { processed: number; total: number } | null;
  readonly retryAfterSeconds?: number;
}

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * Pure: the small maintenance page a browser gets instead of JSON while a blocking rebuild holds
 * writes. It does not reload itself: a reload would not repeat the write (a POST), so it asks the
 * person to send it again after Retry-After.
 */
export function maintenancePage(held: HeldWrite): string {
  const retry = held.retryAfterSeconds ?? 5;
  const projection = held.projection && held.projection !== 'unknown' ? escape(held.projection) : undefined;
  const share = held.progress && held.progress.total > 0 ? Math.min(100, Math.floor((held.progress.processed / held.progress.total) * 100)) : undefined;
  const what = projection ? `the read model <b>${projection}</b> is being rebuilt${held.phase ? ` (${escape(held.phase)}${share !== undefined ? `, ${share} %` : ''})` : ''}` : 'a read model is being rebuilt';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Writes paused for maintenance · Projectionist</title>
<style>body{font:16px/1.5 system-ui,sans-serif;margin:0;display:grid;place-items:center;min-height:100vh;background:#fff8e6;color:#2b1d00}main{max-width:34rem;padding:1.5rem;border:3px solid #e39b00;border-radius:10px;background:#fff}h1{font-size:1.3rem;margin-top:0}</style>
</head>
<body>
<main role="main">
<h1>Changes are paused for a moment</h1>
<p>Your change was not saved: ${what}, and changes are held until it is done. Reading still works.</p>
<p>Go back and send it again in about ${retry} seconds.</p>
</main>
</body>
</html>
`;
}
