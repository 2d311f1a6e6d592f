// Minimal declarations of React and its JSX runtime, so the example type-checks without installing React.
declare module 'react' {
  export interface ReactElement {
    type: unknown;
    props: unknown;
    key: string | null;
  }
  export type ReactNode = ReactElement | string | number | boolean | null | undefined | ReactNode[];
}

declare module 'react/jsx-runtime' {
  export const jsx: (type: unknown, props: unknown, key?: string) => import('react').ReactElement;
  export const jsxs: typeof jsx;
  export const Fragment: unique symbol;
  export namespace JSX {
    type Element = import('react').ReactElement;
    interface ElementChildrenAttribute {
      children: {};
    }
    interface IntrinsicAttributes {
      key?: string | number;
    }
    interface IntrinsicElements {
      [elementName: string]: Record<string, unknown>;
    }
  }
}
