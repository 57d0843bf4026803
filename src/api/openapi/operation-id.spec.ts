import { operationIdFor } from './operation-id';

describe('operationIdFor', () => {
  it.each([
    ['FilesController', 'get', 'getFile'],
    ['FilesController', 'list', 'listFiles'],
    ['FilesController', 'upload', 'uploadFile'],
    ['UploadsController', 'create', 'createUpload'],
    ['UploadsController', 'discoverUpload', 'discoverUpload'],
    ['WebhooksController', 'rotateSecret', 'rotateSecretWebhook'],
    ['UsageController', 'get', 'getUsage'],
    ['HealthController', 'check', 'checkHealth'],
    ['MediaController', 'download', 'downloadMedia'],
    ['StatusController', 'get', 'getStatus'],
    ['DashboardSessionController', 'open', 'openDashboardSession'],
  ])('names %s.%s %s', (controller, method, expected) => {
    expect(operationIdFor(controller, method)).toBe(expected);
  });

  it('takes the method name alone for a class that is not named after a resource', () => {
    expect(operationIdFor('Controller', 'ping')).toBe('ping');
  });
});
