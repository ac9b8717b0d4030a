/** Naming rules shared by the emitters. */

/** `OrderLine` → `order-line` (the entity's file name, without extension). */
export function kebabCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1-$2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1-$2")
    .replace(/_/g, "-")
    .toLowerCase();
}

/** `OrderLine` → `orderLine` (the context property and descriptor prefix). */
export function camelCase(name: string): string {
  const head = name.match(/^[A-Z]+(?=[A-Z][a-z]|$)|^[A-Z]/)?.[0] ?? "";
  return head.toLowerCase() + name.slice(head.length);
}

/** `createdAt` → `CreatedAt`; `title_category` → `TitleCategory` (loader suffixes). */
export function pascalCase(name: string): string {
  return name
    .split(/_+/)
    .filter((part) => part.length > 0)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join("");
}

/** A MySQL identifier in back-quotes. */
export function quoteIdent(name: string): string {
  return `\`${name.replace(/`/g, "``")}\``;
}

/** A MySQL string literal. */
export function quoteSqlString(value: string): string {
  return `'${value.replace(/\\/g, "\\\\").replace(/'/g, "''")}'`;
}

/** Module path of an entity's file, relative to the output folder. */
export function entityModule(entity: string): string {
  return `./${kebabCase(entity)}.js`;
}

/** Name of the exported descriptor constant, e.g. `orderLineEntity`. */
export function descriptorName(entity: string): string {
  return `${camelCase(entity)}Entity`;
}

/** Name of the exported enum values array, e.g. `orderStateValues`. */
export function enumValuesName(enumName: string): string {
  return `${camelCase(enumName)}Values`;
}
