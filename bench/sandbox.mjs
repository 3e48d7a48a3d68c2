// Benchmark of the senders' HTTP core against the in-process sandbox over loopback HTTP:
//   benchSandbox  `tralix tickets put` of 4,000 tickets at concurrency 16 (requests/s)
// Library calls (no CLI spawn), so the figure is the HTTP core + sandbox, not Node's start-up.
// `node bench/sandbox.mjs` prints the figures.
import { DEFAULT_SANDBOX_CREDENTIALS, startSandbox } from '../dist/src/sandbox/index.js';
import { createTralixClient, putTickets, Secret, TralixTicketSchema } from '../dist/src/senders/index.js';

/** Target on the reference 2-core machine. */
export const TARGETS = Object.freeze({ requestsPerSecond: 1_000 });

const CONCURRENCY = 16;

function tickets(count) {
  return Array.from({ length: count }, (_, i) =>
    TralixTicketSchema.parse({
      fecha: '2025-03-27T10:00:00',
      insumo: `00|CFD33BASE|QA|4.0|\n01|B|${i}|2025-03-27T10:00:00|100.00||MXN||116.00|I|01|06000|||CIENTO DIECISÉIS PESOS 00/100 M.N.|`,
      monto: '116.00',
      numeroTicket: `B${i}`,
      sucursal: `S${i % 7}`,
    }),
  );
}

/** Requests per second of ticket PUTs through the HTTP core against the sandbox at concurrency 16. */
export async function benchSandbox({ count = 4_000 } = {}) {
  const sandbox = await startSandbox();
  const credentials = DEFAULT_SANDBOX_CREDENTIALS.tralix;
  const client = createTralixClient(
    {
      key: new Secret(credentials.key),
      user: new Secret(credentials.user),
      password: new Secret(credentials.password),
    },
    { baseUrl: sandbox.urls.tralix },
  );
  try {
    // Warm-up: JIT, connection pool.
    await putTickets(client, tickets(200), { concurrency: CONCURRENCY });
    const items = tickets(count);
    const started = process.hrtime.bigint();
    const report = await putTickets(client, items, { concurrency: CONCURRENCY });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (report.counts.stored !== count)
      throw new Error(`only ${report.counts.stored} of ${count} tickets stored`);
    const requestsPerSecond = Math.round(count / seconds);
    return {
      requestsPerSecond,
      concurrency: CONCURRENCY,
      requests: count,
      seconds: Number(seconds.toFixed(3)),
      target: TARGETS.requestsPerSecond,
      ok: requestsPerSecond >= TARGETS.requestsPerSecond,
    };
  } finally {
    await sandbox.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await benchSandbox(), null, 2));
}
