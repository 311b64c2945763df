/** The `bunny` package (the Stanford bunny as plain arrays) ships no types. */
declare module 'bunny' {
  const bunny: {positions: [number, number, number][]; cells: [number, number, number][]};
  export default bunny;
}
