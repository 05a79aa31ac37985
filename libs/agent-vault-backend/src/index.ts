// Public API: an explicit list of exports (STYLE §2).
export {};
