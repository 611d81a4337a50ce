// Conformance of the simulator with a client nobody here wrote: Kalshi's official TypeScript SDK
// (npm kalshi-typescript, pinned in package.json, unmodified) drives a running `kalshi-sim`.
//
// The SDK itself only JSON-parses bodies, so every response is also checked against the SDK's own
// model declarations (the `models/*.ts` it ships): each required property present and not null
// unless declared `| null`, primitive types, enum vocabularies, nested models and arrays. On top
// of that the script asserts the values a trade must produce (fill count, fees, balance, cancel).
//
// Started by crates/kalshi-sim/tests/sim/conformance.rs. Environment:
//   SIM_REST_URL        the simulator's REST base (http://ADDR/trade-api/v2)
//   SDK_INSTALL_DIR     directory holding the `npm ci` install (its node_modules/)
//   KEY_A_ID, KEY_A_PEM key id and private PEM file of the taker
//   KEY_B_ID, KEY_B_PEM key id and private PEM file of the resting counterparty
//   SIM_MARKETS         how many markets the simulator was started with
// Exits 0 when everything holds; otherwise prints what failed and exits 1.

import { createRequire } from 'node:module';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';

function env(name) {
  const v = process.env[name];
  if (!v) throw new Error(`environment variable ${name} is not set`);
  return v;
}

const installDir = env('SDK_INSTALL_DIR');
const require = createRequire(join(installDir, 'package.json'));
const sdk = require('kalshi-typescript');
const axios = require('axios');
const sdkDir = join(installDir, 'node_modules', 'kalshi-typescript');

const REST_URL = env('SIM_REST_URL');
const MARKETS = Number(env('SIM_MARKETS'));

// ---------------------------------------------------------------------------------------------
// The SDK's model declarations, read from its shipped TypeScript sources.

/** name -> { kind: 'interface', props: Map(name -> {optional, type}) } | { kind: 'enum', values: Set } */
const models = new Map();

function loadModels() {
  const dir = join(sdkDir, 'models');
  for (const file of readdirSync(dir)) {
    if (!file.endsWith('.ts') || file === 'index.ts') continue;
    const text = readFileSync(join(dir, file), 'utf8');
    // Interfaces: `export interface X {` ... `}` with one `'prop'?: Type;` per line.
    for (const m of text.matchAll(/export interface (\w+) \{([\s\S]*?)\n\}/g)) {
      const props = new Map();
      let doc = '';
      for (const line of m[2].split('\n')) {
        const p = line.match(/^\s*'([^']+)'(\?)?:\s*(.+);\s*$/);
        if (p) {
          // A property documented as "HH:MM" is a clock time, not a timestamp.
          const clock = /HH:MM/.test(doc);
          props.set(p[1], { optional: p[2] === '?', type: p[3].trim(), clock });
          doc = '';
        } else doc += line;
      }
      models.set(m[1], { kind: 'interface', props });
    }
    // Enums: `export const X = { A: 'a', ... } as const;`
    for (const m of text.matchAll(/export const (\w+) = \{([\s\S]*?)\} as const;/g)) {
      const values = new Set([...m[2].matchAll(/:\s*'([^']*)'/g)].map((v) => v[1]));
      models.set(m[1], { kind: 'enum', values });
    }
  }
  for (const name of ['Market', 'Order', 'Fill', 'MarketPosition', 'BookSide', 'OrderStatus']) {
    if (!models.has(name)) throw new Error(`SDK model ${name} not found under ${dir}`);
  }
}

/** Splits `A | B | null` at top level (outside <> and {}). */
function splitUnion(type) {
  const parts = [];
  let depth = 0;
  let cur = '';
  for (const ch of type) {
    if (ch === '<' || ch === '{') depth++;
    if (ch === '>' || ch === '}') depth--;
    if (ch === '|' && depth === 0) {
      parts.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  parts.push(cur.trim());
  return parts;
}

const FIXED = /^-?\d+(\.\d+)?$/;

/** Checks `value` against the TypeScript type text `type`; returns a list of problems.
 * `clock` marks a string documented as an HH:MM clock time. */
function check(value, type, path, clock = false) {
  const alts = splitUnion(type);
  if (value === null) return alts.includes('null') ? [] : [`${path}: null but declared ${type}`];
  const nonNull = alts.filter((a) => a !== 'null');
  let best = null;
  for (const alt of nonNull) {
    const errs = checkOne(value, alt, path, clock);
    if (errs.length === 0) return [];
    if (best === null || errs.length < best.length) best = errs;
  }
  return best ?? [`${path}: no type in ${type}`];
}

function checkOne(value, type, path, clock) {
  if (type === 'any' || type === 'object') {
    return typeof value === 'object' || type === 'any' ? [] : [`${path}: not an object`];
  }
  if (type === 'string') {
    if (typeof value !== 'string') return [`${path}: ${JSON.stringify(value)} is not a string`];
    const last = path.split('.').pop();
    if (/(_dollars|_fp|^fee_cost|_count|^price|^average_fill_price|^average_fee_paid|^reduced_by)$/.test(last) &&
        value !== '' && !FIXED.test(value)) {
      return [`${path}: ${JSON.stringify(value)} is not a fixed-point number`];
    }
    if (clock) {
      return /^\d{2}:\d{2}$/.test(value) ? [] : [`${path}: ${JSON.stringify(value)} is not an HH:MM time`];
    }
    if (/_time$/.test(last) && value !== '' && Number.isNaN(Date.parse(value))) {
      return [`${path}: ${JSON.stringify(value)} is not a timestamp`];
    }
    return [];
  }
  if (type === 'number') {
    return typeof value === 'number' && Number.isFinite(value) ? [] : [`${path}: ${JSON.stringify(value)} is not a number`];
  }
  if (type === 'boolean') {
    return typeof value === 'boolean' ? [] : [`${path}: ${JSON.stringify(value)} is not a boolean`];
  }
  const arr = type.match(/^Array<(.+)>$/);
  if (arr) {
    if (!Array.isArray(value)) return [`${path}: not an array`];
    return value.flatMap((v, i) => check(v, arr[1], `${path}[${i}]`));
  }
  const map = type.match(/^\{ \[key: string\]: (.+); \}$/);
  if (map) {
    if (typeof value !== 'object' || Array.isArray(value)) return [`${path}: not an object`];
    return Object.entries(value).flatMap(([k, v]) => check(v, map[1], `${path}.${k}`));
  }
  const model = models.get(type);
  if (!model) return [`${path}: SDK type ${type} is unknown to this checker`];
  if (model.kind === 'enum') {
    return model.values.has(value) ? [] : [`${path}: ${JSON.stringify(value)} is not one of ${type} {${[...model.values].join(', ')}}`];
  }
  if (typeof value !== 'object' || Array.isArray(value)) return [`${path}: not a ${type} object`];
  const errs = [];
  for (const [name, prop] of model.props) {
    const v = value[name];
    if (v === undefined) {
      if (!prop.optional) errs.push(`${path}.${name}: required by ${type} but missing`);
      continue;
    }
    errs.push(...check(v, prop.type, `${path}.${name}`, prop.clock));
  }
  return errs;
}

/** Asserts that `body` is a valid SDK `type`, naming every problem. */
function conforms(body, type, what) {
  const errs = check(body, type, what);
  if (errs.length > 0) {
    throw new Error(`${what} does not match the SDK's ${type}:\n  ${errs.join('\n  ')}\nbody: ${JSON.stringify(body)}`);
  }
  return body;
}

// ---------------------------------------------------------------------------------------------
// Small assertions and exact fixed-point arithmetic (BigInt, never floats).

function assert(cond, msg) {
  if (!cond) throw new Error(`assertion failed: ${msg}`);
}

function eq(actual, expected, msg) {
  if (actual !== expected) {
    throw new Error(`assertion failed: ${msg}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
}

/** "12.34" -> units of 10^-6 as BigInt (every wire decimal here has at most 6 places). */
function micros(text) {
  const m = String(text).match(/^(-?)(\d+)(?:\.(\d{1,6}))?$/);
  if (!m) throw new Error(`not a fixed-point number: ${JSON.stringify(text)}`);
  const v = BigInt(m[2]) * 1000000n + BigInt((m[3] ?? '').padEnd(6, '0'));
  return m[1] === '-' ? -v : v;
}

// ---------------------------------------------------------------------------------------------
// Clients: one Configuration and one axios instance per key. The SDK installs its signing
// interceptor on the axios instance it is given, so two keys must never share one.

function clients(keyIdVar, pemVar) {
  const configuration = new sdk.Configuration({
    apiKey: env(keyIdVar),
    privateKeyPem: readFileSync(env(pemVar), 'utf8'),
    basePath: REST_URL,
  });
  const make = (Api) => new Api(configuration, undefined, axios.create());
  return {
    account: make(sdk.AccountApi),
    exchange: make(sdk.ExchangeApi),
    historical: make(sdk.HistoricalApi),
    market: make(sdk.MarketApi),
    orders: make(sdk.OrdersApi),
    portfolio: make(sdk.PortfolioApi),
  };
}

/** Awaits an SDK call; an HTTP error becomes an Error naming the call, status and body. */
async function call(what, promise) {
  try {
    const res = await promise;
    return res.data;
  } catch (e) {
    if (e && e.response) {
      throw new Error(`${what} failed: HTTP ${e.response.status} ${JSON.stringify(e.response.data)}`);
    }
    throw new Error(`${what} failed: ${e && e.stack ? e.stack : e}`);
  }
}

function ok(step, detail = '') {
  console.log(`ok   ${step}${detail ? ` (${detail})` : ''}`);
}

// ---------------------------------------------------------------------------------------------

async function main() {
  loadModels();
  const a = clients('KEY_A_ID', 'KEY_A_PEM');
  const b = clients('KEY_B_ID', 'KEY_B_PEM');

  // Exchange status.
  const status = conforms(await call('getExchangeStatus', a.exchange.getExchangeStatus()), 'ExchangeStatus', 'exchange status');
  eq(status.exchange_active, true, 'exchange_active');
  eq(status.trading_active, true, 'trading_active');
  ok('exchange status');

  // The account's tier and token buckets (a new account: Basic).
  const limits = conforms(await call('getAccountApiLimits', a.account.getAccountApiLimits()), 'GetAccountApiLimitsResponse', 'account limits');
  eq(limits.usage_tier, 'basic', 'usage_tier');
  eq(limits.read.refill_rate, 200, 'read refill_rate');
  eq(limits.write.refill_rate, 100, 'write refill_rate');
  ok('account limits');

  // Markets, following cursors until the last page.
  const limit = Math.ceil(MARKETS / 3) - 1;
  const markets = [];
  let cursor;
  let pages = 0;
  for (;;) {
    const page = conforms(await call(`getMarkets page ${pages + 1}`, a.market.getMarkets(limit, cursor)), 'GetMarketsResponse', `markets page ${pages + 1}`);
    pages++;
    assert(page.markets.length <= limit, `page ${pages} has ${page.markets.length} > limit ${limit} markets`);
    markets.push(...page.markets);
    if (!page.cursor) break;
    assert(page.markets.length === limit, `a page with a next cursor is full (page ${pages}: ${page.markets.length})`);
    assert(pages < 100, 'pagination ends');
    cursor = page.cursor;
  }
  assert(pages >= 3, `at least 3 pages (got ${pages})`);
  const tickers = new Set(markets.map((m) => m.ticker));
  eq(tickers.size, markets.length, 'no market repeats across pages');
  eq(markets.length, MARKETS, 'every market is listed once');
  ok('markets pagination', `${markets.length} markets over ${pages} pages of ${limit}`);

  // One market.
  const listed = markets.find((m) => m.status === 'active' && m.market_type === 'binary');
  assert(listed, 'an active binary market exists');
  const ticker = listed.ticker;
  const market = conforms(await call('getMarket', a.market.getMarket(ticker)), 'GetMarketResponse', 'market').market;
  eq(market.ticker, ticker, 'getMarket returns the asked ticker');
  eq(market.event_ticker, listed.event_ticker, 'event_ticker agrees with the listing');
  eq(market.close_time, listed.close_time, 'close_time agrees with the listing');
  eq(market.price_level_structure, listed.price_level_structure, 'price_level_structure agrees with the listing');
  ok('market', ticker);

  // Order book before trading: no price levels at all in a quiet simulator.
  const book0 = conforms(await call('getMarketOrderbook', a.market.getMarketOrderbook(ticker)), 'GetMarketOrderbookResponse', 'orderbook').orderbook_fp;
  eq(book0.yes_dollars.length + book0.no_dollars.length, 0, 'a quiet market has an empty book');
  ok('order book (empty)');

  const balanceA0 = conforms(await call('getBalance A', a.portfolio.getBalance()), 'GetBalanceResponse', 'balance A');
  eq(micros(balanceA0.balance_dollars), BigInt(balanceA0.balance) * 10000n, 'balance (cents) and balance_dollars agree');

  // B rests an ask: sells 10 YES at 0.40 (= buys NO at 0.60).
  const bClientId = randomUUID();
  const resting = conforms(await call('createOrderV2 B', b.orders.createOrderV2({
    ticker,
    client_order_id: bClientId,
    side: 'ask',
    count: '10.00',
    price: '0.4000',
    time_in_force: 'good_till_canceled',
    self_trade_prevention_type: 'taker_at_cross',
  })), 'CreateOrderV2Response', 'create B');
  eq(micros(resting.fill_count), 0n, 'the first order rests unfilled');
  eq(micros(resting.remaining_count), micros('10'), 'the resting order keeps its 10');
  if (resting.client_order_id !== undefined) eq(resting.client_order_id, bClientId, 'B client_order_id echoed');

  const book1 = conforms(await call('getMarketOrderbook', a.market.getMarketOrderbook(ticker)), 'GetMarketOrderbookResponse', 'orderbook').orderbook_fp;
  eq(book1.yes_dollars.length, 0, 'no YES bids yet');
  eq(book1.no_dollars.length, 1, 'one NO level');
  eq(micros(book1.no_dollars[0][0]), micros('0.60'), 'the ask at 0.40 shows as a NO bid at 0.60');
  eq(micros(book1.no_dollars[0][1]), micros('10'), 'NO level size');
  ok('order book (one resting ask)', JSON.stringify(book1));

  // A buys 15 YES up to 0.45: takes B's 10 at 0.40, rests 5 at 0.45.
  const aClientId = randomUUID();
  const created = conforms(await call('createOrderV2 A', a.orders.createOrderV2({
    ticker,
    client_order_id: aClientId,
    side: 'bid',
    count: '15.00',
    price: '0.4500',
    time_in_force: 'good_till_canceled',
    self_trade_prevention_type: 'taker_at_cross',
  })), 'CreateOrderV2Response', 'create A');
  eq(micros(created.fill_count), micros('10'), 'A fills 10');
  eq(micros(created.remaining_count), micros('5'), 'A rests 5');
  assert(created.average_fill_price !== undefined, 'average_fill_price present when filled');
  eq(micros(created.average_fill_price), micros('0.40'), 'fills at the maker price');
  assert(created.average_fee_paid !== undefined, 'average_fee_paid present when filled');
  if (created.client_order_id !== undefined) eq(created.client_order_id, aClientId, 'A client_order_id echoed');
  const orderId = created.order_id;
  ok('createOrderV2', `order ${orderId}`);

  const book2 = conforms(await call('getMarketOrderbook', a.market.getMarketOrderbook(ticker)), 'GetMarketOrderbookResponse', 'orderbook').orderbook_fp;
  eq(book2.no_dollars.length, 0, 'the ask was taken');
  eq(book2.yes_dollars.length, 1, 'one YES level');
  eq(micros(book2.yes_dollars[0][0]), micros('0.45'), 'A rests at 0.45');
  eq(micros(book2.yes_dollars[0][1]), micros('5'), 'A rests 5');
  ok('order book (after the cross)');

  // Orders: A's order is listed with its client_order_id and counts.
  const orders = conforms(await call('getOrders', a.orders.getOrders(ticker)), 'GetOrdersResponse', 'orders');
  const mine = orders.orders.filter((o) => o.order_id === orderId);
  eq(mine.length, 1, 'getOrders lists the created order once');
  const order = mine[0];
  eq(order.client_order_id, aClientId, 'client_order_id');
  eq(order.ticker, ticker, 'order ticker');
  eq(order.status, 'resting', 'order status');
  eq(order.book_side, 'bid', 'book_side');
  eq(order.outcome_side, 'yes', 'outcome_side');
  eq(order.type, 'limit', 'type');
  eq(micros(order.yes_price_dollars), micros('0.45'), 'yes_price_dollars');
  eq(micros(order.no_price_dollars), micros('0.55'), 'no_price_dollars');
  eq(micros(order.initial_count_fp), micros('15'), 'initial_count_fp');
  eq(micros(order.fill_count_fp), micros('10'), 'fill_count_fp');
  eq(micros(order.remaining_count_fp), micros('5'), 'remaining_count_fp');
  eq(micros(order.taker_fill_cost_dollars), micros('4'), 'taker_fill_cost_dollars = 10 × 0.40');
  assert(!orders.orders.some((o) => o.client_order_id === bClientId), "B's order is not in A's list");
  ok('getOrders', `status ${order.status}`);

  // Fills: A's fills of this order add up to 10 at 0.40, taker; B's mirror them as maker.
  const fillsA = conforms(await call('getFills A', a.portfolio.getFills(ticker, orderId)), 'GetFillsResponse', 'fills A').fills;
  assert(fillsA.length >= 1, 'A has fills');
  let filled = 0n;
  let fees = 0n;
  for (const f of fillsA) {
    eq(f.order_id, orderId, 'fill order_id');
    eq(f.ticker, ticker, 'fill ticker');
    eq(f.market_ticker, ticker, 'fill market_ticker');
    eq(f.is_taker, true, 'A is the taker');
    eq(f.book_side, 'bid', 'fill book_side');
    eq(f.outcome_side, 'yes', 'fill outcome_side');
    eq(micros(f.yes_price_dollars), micros('0.40'), 'fill yes price');
    eq(micros(f.yes_price_dollars) + micros(f.no_price_dollars), micros('1'), 'fill yes + no = 1');
    filled += micros(f.count_fp);
    fees += micros(f.fee_cost);
  }
  eq(filled, micros('10'), 'fill counts add up to the order fill_count');
  eq(fees, micros(order.taker_fees_dollars), 'fill fees add up to the order taker_fees_dollars');
  assert(fees > 0n, 'a taker pays a fee');
  const fillsB = conforms(await call('getFills B', b.portfolio.getFills(ticker)), 'GetFillsResponse', 'fills B').fills;
  eq(fillsB.reduce((s, f) => s + micros(f.count_fp), 0n), micros('10'), "B's fills add up to 10");
  assert(fillsB.every((f) => f.is_taker === false && f.book_side === 'ask'), 'B was the resting ask');
  ok('getFills', `${fillsA.length} fill(s), fees ${fees} µ$`);

  // Positions: A long 10 YES, B short 10 YES.
  const posA = conforms(await call('getPositions A', a.portfolio.getPositions(undefined, undefined, undefined, ticker)), 'GetPositionsResponse', 'positions A');
  const pa = posA.market_positions.filter((p) => p.ticker === ticker);
  eq(pa.length, 1, 'A has one position in the market');
  eq(micros(pa[0].position_fp), micros('10'), 'A holds +10');
  eq(micros(pa[0].total_traded_dollars), micros('4'), 'A traded $4.00');
  eq(micros(pa[0].market_exposure_dollars), micros('4'), 'A is exposed $4.00');
  eq(micros(pa[0].fees_paid_dollars), fees, 'A position fees = fill fees');
  const posB = conforms(await call('getPositions B', b.portfolio.getPositions(undefined, undefined, undefined, ticker)), 'GetPositionsResponse', 'positions B');
  const pb = posB.market_positions.filter((p) => p.ticker === ticker);
  eq(pb.length, 1, 'B has one position in the market');
  eq(micros(pb[0].position_fp), micros('-10'), 'B holds -10');
  ok('getPositions', `A ${pa[0].position_fp}, B ${pb[0].position_fp}`);

  // Cancel the resting remainder: reduced_by is what was left.
  const canceled = conforms(await call('cancelOrderV2', a.orders.cancelOrderV2(orderId)), 'CancelOrderV2Response', 'cancel');
  eq(canceled.order_id, orderId, 'cancel order_id');
  eq(micros(canceled.reduced_by), micros(order.remaining_count_fp), 'reduced_by = the remaining count');
  if (canceled.client_order_id !== undefined) eq(canceled.client_order_id, aClientId, 'cancel client_order_id');
  const after = conforms(await call('getOrder', a.orders.getOrder(orderId)), 'GetOrderResponse', 'order after cancel').order;
  eq(after.status, 'canceled', 'status after cancel');
  eq(micros(after.remaining_count_fp), 0n, 'nothing remains after cancel');
  eq(micros(after.fill_count_fp), micros('10'), 'fills survive the cancel');
  const book3 = conforms(await call('getMarketOrderbook', a.market.getMarketOrderbook(ticker)), 'GetMarketOrderbookResponse', 'orderbook').orderbook_fp;
  eq(book3.yes_dollars.length + book3.no_dollars.length, 0, 'the book is empty after the cancel');
  ok('cancelOrderV2', `reduced_by ${canceled.reduced_by}`);

  // Balance: down by exactly the fill cost plus fees (the cancelled remainder holds nothing).
  const balanceA1 = conforms(await call('getBalance A', a.portfolio.getBalance()), 'GetBalanceResponse', 'balance A');
  const spent = micros(balanceA0.balance_dollars) - micros(balanceA1.balance_dollars);
  eq(spent, micros(order.taker_fill_cost_dollars) + fees, 'balance fell by cost + fees');
  eq(micros(after.taker_fill_cost_dollars) + micros(after.taker_fees_dollars), spent, 'the order accounts for the whole spend');
  ok('getBalance', `${balanceA0.balance_dollars} -> ${balanceA1.balance_dollars}`);

  // The market reflects the trade.
  const traded = conforms(await call('getMarket', a.market.getMarket(ticker)), 'GetMarketResponse', 'market after trade').market;
  eq(micros(traded.last_price_dollars), micros('0.40'), 'last price');
  eq(micros(traded.volume_fp), micros('10'), 'volume');
  ok('market after the trade');

  // The archive: nothing is older than the default cutoff (the epoch), and the historical
  // reads answer in the live shapes.
  const cutoff = conforms(await call('getHistoricalCutoff', a.historical.getHistoricalCutoff()), 'GetHistoricalCutoffResponse', 'historical cutoff');
  for (const field of ['market_settled_ts', 'trades_created_ts', 'orders_updated_ts']) {
    eq(Date.parse(cutoff[field]), 0, `${field} is the epoch`);
  }
  const oldFills = conforms(await call('getFillsHistorical', a.historical.getFillsHistorical(ticker)), 'GetFillsResponse', 'historical fills');
  eq(oldFills.fills.length, 0, 'no archived fills');
  const oldOrders = conforms(await call('getHistoricalOrders', a.historical.getHistoricalOrders(ticker)), 'GetOrdersResponse', 'historical orders');
  eq(oldOrders.orders.length, 0, 'no archived orders');
  ok('historical', `cutoff ${cutoff.trades_created_ts}`);

  console.log('conformance: all steps passed');
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(`conformance FAILED: ${e && e.message ? e.message : e}`);
    process.exit(1);
  },
);
