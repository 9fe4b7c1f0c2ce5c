// Preloaded into emulated Lambda functions: answers DNS for the emulator's RDS endpoint names.
// On AWS, an RDS instance endpoint resolves to the instance's private IP in one of its DB subnets.
// moto invents names (<id>.aaaaaaaaaa.<region>.rds.amazonaws.com) that resolve nowhere, so the
// emulator (awslambda.py) passes each name with an address from the instance's subnet in EMULATOR_DNS_HOSTS.
// Other names resolve as usual. Seen with moto 5.2.1.
const dns = require("node:dns");

const hosts = JSON.parse(process.env.EMULATOR_DNS_HOSTS || "{}");
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
