/**
 * A route's answer written with JSON.stringify alone, skipping zod's encode of every row: for
 * routes answering thousands of rows (a location's 10,000 stock levels), where the encode took
 * longer than the SQL. It is for handlers whose return type the contract checks at compile time
 * (the zod type provider types it as the response schema's output) and whose only codec is
 * `timestamp`, which JSON.stringify writes as the codec does (Date.toJSON is toISOString). What
 * the encode checked at run time (no key outside the strict schema), the route's tests check by
 * parsing its answers with the contract.
 */
export function plainJsonSerializer(): (data: unknown) => string {
  return (data) => JSON.stringify(data);
}
