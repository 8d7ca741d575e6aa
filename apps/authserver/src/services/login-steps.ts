/** What the browser is shown next in a login; the HTTP layer renders it. */
export type LoginStep =
  | { readonly kind: 'redirect'; readonly location: string }
  | { readonly kind: 'choose-idp'; readonly flowId: string; readonly providers: readonly string[] }
  | { readonly kind: 'choose-group'; readonly flowId: string; readonly userId: string; readonly groups: readonly string[] }
  | { readonly kind: 'unregistered'; readonly provider: string; readonly subject: string; readonly reference: string }
  | { readonly kind: 'done'; readonly purpose: 'device' | 'code'; readonly clientName: string; readonly approved: boolean }
  | { readonly kind: 'failed'; readonly status: number; readonly title: string; readonly message: string };

export const failed = (status: number, title: string, message: string): LoginStep => ({ kind: 'failed', status, title, message });

export const LOGIN_EXPIRED = failed(400, 'This login has expired', 'Start again from your application or terminal.');
