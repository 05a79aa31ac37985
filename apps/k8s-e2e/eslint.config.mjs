import baseConfig, { e2eProjectOverrides } from '../../eslint.config.mjs';

export default [...baseConfig, ...e2eProjectOverrides];
