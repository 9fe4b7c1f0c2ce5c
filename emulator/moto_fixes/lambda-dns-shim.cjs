// Preloaded into emulated Lambda functions: answers DNS for the emulator's RDS and interface endpoint names.
// On AWS, an RDS instance endpoint resolves to the instance's private IP in one of its DB subnets, and an
// interface endpoint's name to its network interface's private IP. moto invents names that resolve nowhere,
// so the emulator (awslambda.py) passes each name with such an address in EMULATOR_DNS_HOSTS.
// No packet can reach a VPC address here, so a TCP connect to an "IP:port" in EMULATOR_CONNECT_TO goes to the
// PostgreSQL server that the name's chain leads to (dataplane/names.py). Other names resolve as usual.
// Seen with moto 5.2.1.
const dns = require("node:dns");
const net = require("node:net");

const hosts = JSON.parse(process.env.EMULATOR_DNS_HOSTS || "{}");
const connectTo = JSON.parse(process.env.EMULATOR_CONNECT_TO || "{}");
const known = (name) => Object.prototype.hasOwnProperty.call(hosts, String(name).toLowerCase());
const addressOf = (name) => hosts[String(name).toLowerCase()];

const resolve4 = dns.promises.resolve4.bind(dns.promises);
dns.promises.resolve4 = (name, options) => (known(name) ? Promise.resolve([addressOf(name)]) : resolve4(name, options));

const resolve4Callback = dns.resolve4.bind(dns);
dns.resolve4 = (name, options, callback) => {
  const done = typeof options === "function" ? options : callback;
  if (!known(name)) return resolve4Callback(name, options, callback);
  process.nextTick(() => done(null, [addressOf(name)]));
};

// A TCP connect, as net.connect passes it (an array [options, cb]) or as called directly (options or port, host):
// the host as DNS answers it, then the server the emulator maps that address and port to.
const serverFor = (host, port) => connectTo[`${known(host) ? addressOf(host) : host}:${port}`];
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  const first = args[0];
  const holder = Array.isArray(first) ? first : args;
  const options = holder[0];
  if (options !== null && typeof options === "object" && options.port !== undefined) {
    const server = serverFor(options.host, options.port);
    if (server) holder[0] = { ...options, host: server };
  } else if (!Array.isArray(first) && (typeof first === "number" || /^\d+$/.test(String(first)))) {
    const server = typeof args[1] === "string" ? serverFor(args[1], first) : undefined;
    if (server) args[1] = server;
  }
  return connect.apply(this, args);
};

// The stand-in trust rule (dms_standin/certificates.py): the emulator's servers are signed by the emulator's own
// CA, not by RDS's. A TLS connection whose `ca` is exactly the vendored RDS CA bundle (its SHA-256 is
// EMULATOR_RDS_CA_SHA256) verifies with the emulator's CA (EMULATOR_CA_BUNDLE) in its place; any other `ca` stays
// as given, so a wrong CA fails as it would on AWS. Host name checks are untouched.
const rdsCaSha256 = process.env.EMULATOR_RDS_CA_SHA256;
const emulatorCaPath = process.env.EMULATOR_CA_BUNDLE;
if (rdsCaSha256 && emulatorCaPath) {
  const crypto = require("node:crypto");
  const fs = require("node:fs");
  const tls = require("node:tls");
  const standsForRdsCa = (ca) =>
    (typeof ca === "string" || Buffer.isBuffer(ca)) && crypto.createHash("sha256").update(ca).digest("hex") === rdsCaSha256;
  const tlsConnect = tls.connect;
  tls.connect = function (...args) {
    const options = args.find((arg) => arg !== null && typeof arg === "object");
    if (options && standsForRdsCa(options.ca)) options.ca = fs.readFileSync(emulatorCaPath);
    return tlsConnect.apply(this, args);
  };
}
