// The load generator of `npm run bench:ncip`, on its own thread (plain JS: worker threads do not get tsx). It posts
// each pair of messages in order over `connections` parallel loops and reports messages per second and latencies.
import { Agent, request } from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';

const { url, pairs, connections } = workerData;
const latencies = [];
let next = 0;
let problems = 0;

// node:http with kept-alive sockets: much lighter than fetch, so the client is not what is measured.
const agent = new Agent({ keepAlive: true, maxSockets: connections });
const target = new URL(url);

function post(body) {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request({ agent, host: target.hostname, port: target.port, path: target.pathname, method: 'POST', headers: { 'content-length': body.length } }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => {
        latencies.push(performance.now() - started);
        if (res.statusCode !== 200) return reject(new Error(`HTTP ${res.statusCode}`));
        if (Buffer.concat(chunks).includes('<ns1:Problem>')) problems++;
        resolve();
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

const started = performance.now();
await Promise.all(
  Array.from({ length: connections }, async () => {
    for (let n = next++; n < pairs.length; n = next++) {
      for (const body of pairs[n]) await post(Buffer.from(body));
    }
  }),
);
const seconds = (performance.now() - started) / 1000;
latencies.sort((a, b) => a - b);
const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
agent.destroy();
parentPort.postMessage({ perSecond: latencies.length / seconds, p50: at(0.5), p99: at(0.99), problems });
