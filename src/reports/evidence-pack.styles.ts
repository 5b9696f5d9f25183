/**
 * The evidence pack's stylesheet, served at /reports/evidence-pack.css (a file of the hub, so the console's CSP,
 * `style-src 'self'`, allows it where an inline style would be refused). Screen and print: A4, no colour needed,
 * requests and tables kept whole across pages where they fit.
 */
export const EVIDENCE_PACK_CSS = `
:root { color-scheme: light; --ink: #1b1f24; --muted: #59636e; --rule: #d0d7de; --note: #fff8c5; --accent: #0b4f8a; }
* { box-sizing: border-box; }
html { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink); background: #fff; }
body { margin: 0; }
.pack { max-width: 60rem; margin: 0 auto; padding: 2rem 1.5rem 4rem; }
h1 { font-size: 1.6rem; margin: .2rem 0 1rem; }
h2 { font-size: 1.3rem; margin: 2rem 0 .6rem; padding-bottom: .2rem; border-bottom: 2px solid var(--ink); }
h3 { font-size: 1.1rem; margin: 1.4rem 0 .5rem; }
h4, h5, h6 { font-size: 1rem; margin: 1rem 0 .4rem; }
.label { font-size: .85rem; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); margin: .8rem 0 .3rem; }
.kicker { margin: 0; color: var(--muted); font-size: .85rem; text-transform: uppercase; letter-spacing: .06em; }
.muted { color: var(--muted); }
a { color: var(--accent); }
.url { color: var(--muted); font-size: .8rem; word-break: break-all; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .85em; }
code { word-break: break-all; }
.hash { word-break: break-all; }
.hash.short { display: inline-block; max-width: 12ch; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; vertical-align: bottom; }
pre.commands { background: #f6f8fa; border: 1px solid var(--rule); padding: .6rem .8rem; white-space: pre-wrap; }
dl.facts { display: grid; grid-template-columns: repeat(auto-fill, minmax(17rem, 1fr)); gap: .3rem 1.5rem; margin: .5rem 0 1rem; }
dl.facts > div { border-bottom: 1px solid var(--rule); padding: .2rem 0; }
dt { font-size: .8rem; color: var(--muted); }
dd { margin: 0; overflow-wrap: anywhere; }
dd ul { margin: 0; padding-left: 1.1rem; }
table { width: 100%; border-collapse: collapse; margin: .4rem 0 1rem; }
caption { text-align: left; font-weight: 600; padding: .3rem 0; }
th, td { text-align: left; vertical-align: top; padding: .3rem .5rem; border-bottom: 1px solid var(--rule); overflow-wrap: break-word; }
/* Free text (vendor answers, reasons) may hold long tokens such as ids: they wrap anywhere, so other columns keep their words. */
td.text { overflow-wrap: anywhere; }
thead th { border-bottom: 2px solid var(--ink); font-size: .85rem; }
.key-values th { width: 35%; font-weight: normal; }
blockquote.justification { margin: 0 0 .6rem; padding: .5rem .8rem; border-left: 4px solid var(--accent); background: #f6f8fa; white-space: pre-wrap; overflow-wrap: anywhere; }
.note { background: var(--note); padding: .4rem .6rem; }
article.request { border: 1px solid var(--rule); border-radius: 4px; padding: .2rem 1rem .6rem; margin: 0 0 1rem; }
section.version + section.version { margin-top: 2.5rem; }
.proof { border: 2px solid var(--ink); padding: 0 1rem 1rem; margin-top: 2rem; }
.proof h2 { border-bottom: none; }
@page { size: A4; margin: 16mm 14mm; }
@media print {
  html { font-size: 10.5pt; }
  .pack { max-width: none; padding: 0; }
  .no-print { display: none; }
  a { color: inherit; text-decoration: none; }
  article.request, table.approvals, table.receipts, dl.checkpoint, .proof { break-inside: avoid; }
  h2, h3, h4 { break-after: avoid; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; }
}
`;
