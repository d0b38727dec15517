import { searchText } from '../common/search-text';

/** What the model list's owner search and the user list's query match: name, email and username. */
export function userSearchText(user: { name: string; email: string; username: string | null }): string {
  return searchText([user.name, user.email, user.username]);
}
