/**
 * The layer rule, checked on every `npm test`: domain is pure TypeScript, application sees only
 * domain and its own ports, infrastructure never reaches into api, the api reaches infrastructure
 * only from its ops corner, and the feature modules (src/modules) compose every layer while no
 * layer depends on them.
 */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment:
        'src/domain imports nothing outside src/domain but the provider SDK (the storage port is its contract): ' +
        'no framework, ORM, queue, cloud SDK or Node I/O.',
      severity: 'error',
      from: { path: '^src/domain/', pathNot: '\\.spec\\.ts$' },
      to: { pathNot: ['^src/domain/', '^packages/provider-sdk/'] },
    },
    {
      name: 'application-depends-on-domain-and-ports',
      comment: 'src/application may use domain, its own ports and the CQRS/DI decorators, nothing else.',
      severity: 'error',
      from: { path: '^src/application/', pathNot: '\\.spec\\.ts$' },
      to: {
        pathNot: ['^src/(application|domain)/', '(^|/)node_modules/@nestjs/(cqrs|common)/', '(^|/)node_modules/rxjs/'],
      },
    },
    {
      name: 'infrastructure-not-into-api',
      severity: 'error',
      from: { path: '^src/infrastructure/' },
      to: { path: '^src/api/' },
    },
    {
      name: 'domain-and-application-not-into-outer-layers',
      severity: 'error',
      from: { path: '^src/(domain|application)/' },
      to: { path: '^src/(infrastructure|api)/' },
    },
    {
      name: 'api-not-into-infrastructure',
      comment: 'Controllers use application ports; only src/api/ops (health, metrics, queue dashboard) sees adapters.',
      severity: 'error',
      from: { path: '^src/api/', pathNot: '^src/api/ops/' },
      to: { path: '^src/infrastructure/' },
    },
    {
      name: 'layers-not-into-modules',
      comment: 'src/modules composes the layers; a layer that imported a module would depend on the whole app.',
      severity: 'error',
      from: { path: '^src/(domain|application|infrastructure|api)/' },
      to: { path: '^src/modules/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^dist/|\\.d\\.ts$)' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
