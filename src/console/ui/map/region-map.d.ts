declare module 'virtual:region-map' {
  const map: {
    width: number;
    height: number;
    countries: { code: string | null; name: string; d: string }[];
  };
  export default map;
}
