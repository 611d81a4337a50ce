// Kalshi's official TypeScript SDK (npm kalshi-typescript, pinned by
// crates/kalshi-sim/conformance/package-lock.json, unmodified) doing what `desk-bench client`
// does with our client: warm-up, sequential signed GET /portfolio/balance, then create +
// cancel pairs of a resting order (V2), timing every request and reading this process's CPU
// time (process.cpuUsage: user + system, every thread) around each loop.
//
// Started by crates/bench/src/peers.rs. Environment: SDK_INSTALL_DIR (holds node_modules/),
// SIM_REST_URL, KEY_ID, KEY_PEM, WARMUP, GETS, PAIRS, TICKER. Prints one JSON line.

import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';

const env = (name) => {
  const v = process.env[name];
  if (v === undefined) throw new Error(`environment variable ${name} is not set`);
  return v;
};

const require = createRequire(join(env('SDK_INSTALL_DIR'), 'package.json'));
const sdk = require('kalshi-typescript');
const axios = require('axios');
const version = require('kalshi-typescript/package.json').version;

const configuration = new sdk.Configuration({
  apiKey: env('KEY_ID'),
  privateKeyPem: readFileSync(env('KEY_PEM'), 'utf8'),
  basePath: env('SIM_REST_URL'),
});
const portfolio = new sdk.PortfolioApi(configuration, undefined, axios.create());
const orders = new sdk.OrdersApi(configuration, undefined, axios.create());
const WARMUP = Number(env('WARMUP'));
const GETS = Number(env('GETS'));
const PAIRS = Number(env('PAIRS'));
const TICKER = env('TICKER');

const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;
const cpuMs = (c0) => {
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
};
const order = () => ({
  ticker: TICKER,
  client_order_id: randomUUID(),
  side: 'bid',
  count: '1.00',
  price: '0.0100',
  time_in_force: 'good_till_canceled',
  self_trade_prevention_type: 'taker_at_cross',
});

async function main() {
  for (let i = 0; i < WARMUP; i++) await portfolio.getBalance();
  const getMs = [];
  let c0 = process.cpuUsage();
  for (let i = 0; i < GETS; i++) {
    const t0 = process.hrtime.bigint();
    await portfolio.getBalance();
    getMs.push(ms(t0));
  }
  const getCpu = cpuMs(c0);

  for (let i = 0; i < Math.min(WARMUP, PAIRS); i++) {
    const placed = (await orders.createOrderV2(order())).data;
    await orders.cancelOrderV2(placed.order_id);
  }
  const orderMs = [];
  c0 = process.cpuUsage();
  for (let i = 0; i < PAIRS; i++) {
    const body = order();
    let t0 = process.hrtime.bigint();
    const placed = (await orders.createOrderV2(body)).data;
    orderMs.push(ms(t0));
    t0 = process.hrtime.bigint();
    await orders.cancelOrderV2(placed.order_id);
    orderMs.push(ms(t0));
  }
  const orderCpu = cpuMs(c0);
  console.log(JSON.stringify({
    client: 'typescript',
    version: `kalshi-typescript ${version} on node ${process.versions.node}`,
    get_ms: getMs,
    get_cpu_ms: getCpu,
    order_ms: orderMs,
    order_cpu_ms: orderCpu,
  }));
}

main().catch((e) => {
  const detail = e && e.response ? `HTTP ${e.response.status} ${JSON.stringify(e.response.data)}` : (e && e.stack) || e;
  console.error(`ts_client failed: ${detail}`);
  process.exit(1);
});
