/**
 * The operationId an operation gets when its controller method does not name one
 * (`@ApiOperation({ operationId })`): the method's name and the controller's resource, camelCase —
 * `FilesController.get` → `getFile`, `FilesController.list` → `listFiles`. Generated clients name
 * their calls and types after it, so it must not change when code moves; Nest's default
 * (`FilesController_get`) changes with every class rename. A method name that already says its
 * resource (`UploadsController.discoverUpload`) is taken as it is. Unique by construction: method
 * names are unique within a controller and resources across controllers.
 */
export function operationIdFor(controllerKey: string, methodKey: string): string {
  const resource = controllerKey.replace(/Controller$/, '');
  const noun = methodKey === 'list' ? resource : singular(resource);
  if (noun === '' || methodKey.toLowerCase().includes(noun.toLowerCase())) return lowerFirst(methodKey);
  return lowerFirst(methodKey) + upperFirst(noun);
}

/** Enough English for controller names: `Files` → `File`, `Usage`, `Media` and `Status` stay. */
function singular(noun: string): string {
  return /[^su]s$/.test(noun) ? noun.slice(0, -1) : noun;
}

function lowerFirst(word: string): string {
  return word.charAt(0).toLowerCase() + word.slice(1);
}

function upperFirst(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}
