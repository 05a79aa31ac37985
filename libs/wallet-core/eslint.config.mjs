import baseConfig, { vaultDevInTests } from '../../eslint.config.mjs';

// This project's tests start vault-dev in process; its source files may not import it.
export default [...baseConfig, ...vaultDevInTests];
