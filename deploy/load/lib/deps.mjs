// deploy/load has no node_modules of its own: it uses deploy/agent's (mppx, viem; installed by
// deploy/local/agent-install.sh), by path, so the same module instances serve both. Import packages from here.
export * from '../../agent/node_modules/viem/_esm/index.js'
export { generatePrivateKey, privateKeyToAccount } from '../../agent/node_modules/viem/_esm/accounts/index.js'
export { Mppx, tempo } from '../../agent/node_modules/mppx/dist/client/index.js'
