/**
 * The stream category is the part of a stream id before its first '-' (`car-123` → `car`).
 * Only the first dash counts because ids after it are often UUIDs, which contain dashes;
 * categories therefore use '_' instead (`guest_stay-9`). An id without a dash is its own category.
 */
export function categoryOf(streamId: string): string {
  const dash = streamId.indexOf('-');
  return dash === -1 ? streamId : streamId.slice(0, dash);
}
