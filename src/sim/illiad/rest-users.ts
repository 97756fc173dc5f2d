/**
 * The Web Platform's Users routes (illiad.md §1.2, §1.3, §1.6, §5 (c) 3):
 * `GET Users/{username}`, `GET Users/ExternalUserId/{id}`, `POST Users`.
 *
 * ExternalUserId stands for the User column the API key is mapped to. On `POST Users` the posted ExternalUserId
 * always wins over that column, and leaving it out nulls the column (the "override gotcha" of §1.3, Atlas Relais
 * doc). With the default mapping (`Username`) the column is the required UserName itself, so there an absent
 * ExternalUserId leaves the posted UserName alone (inferred: a required key cannot be nulled).
 */
import { addError, bindFields, type Body } from './binding.ts';
import { type Answer, invalidRequest, json, message } from './http.ts';
import type { IlliadStore } from './store.ts';
import { type IlliadUser, USER_FIELDS } from './user.ts';

/** `GET Users/{username}`: case-insensitive match; 404 `User X was not found.` (§1.6). */
export function getUser(store: IlliadStore, username: string): Answer {
  const user = store.user(username);
  return user ? json(200, user) : message(404, `User ${username} was not found.`);
}

/** `GET Users/ExternalUserId/{id}`: by the mapped column, case-insensitive; the same 404 shape. */
export function getUserByExternalUserId(store: IlliadStore, externalUserId: string): Answer {
  const user = store.userByExternalUserId(externalUserId);
  return user ? json(200, user) : message(404, `User ${externalUserId} was not found.`);
}

/** `POST Users` → 200 with the full user, or 400 with ASP.NET's ModelState (§1.6, both shapes). */
export function createUser(store: IlliadStore, body: Body): Answer {
  const { values, modelState } = bindFields(body, USER_FIELDS);
  const userName = values.UserName;
  if (typeof userName !== 'string' || userName.trim() === '') addError(modelState, 'model.UserName', 'The UserName field is required.');
  if (Object.keys(modelState).length > 0) return invalidRequest(modelState);

  const given: Record<string, unknown> = { ...values };
  const externalUserId = values.ExternalUserId;
  delete given.ExternalUserId;
  // LastChangedDate is the server's to set.
  delete given.LastChangedDate;
  const column = store.externalUserIdMapping;
  if (column === 'UserName') {
    if (typeof externalUserId === 'string' && externalUserId !== '') given.UserName = externalUserId;
  } else {
    given[column] = externalUserId ?? null;
  }
  const name = given.UserName as string;
  if (store.user(name)) return invalidRequest({ UserName: [`Username ${name} already exists.`] });
  return json(200, store.addUser(given as Partial<IlliadUser>));
}
