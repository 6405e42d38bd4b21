/** What the generated invoices sell: the items as the venue names them, and as suppliers print them. */
export interface CatalogueItem {
  key: string;
  name: string;
  size: string;
  /** how suppliers print it: extra words around the venue's name */
  printed: string[];
}

export const CATALOGUE: CatalogueItem[] = [
  { key: 'aperol', name: 'Aperol', size: '1L', printed: ['APEROL APERITIVO', 'Aperol Aperitivo 11%'] },
  { key: 'campari', name: 'Campari', size: '1L', printed: ['CAMPARI BITTER', 'Campari Bitter 25%'] },
  { key: 'titos', name: "Tito's Handmade Vodka", size: '1L', printed: ["TITO'S HANDMADE VODKA", "Tito's Vodka Handmade"] },
  { key: 'greygoose', name: 'Grey Goose Vodka', size: '750ml', printed: ['GREY GOOSE VODKA', 'Grey Goose Original Vodka'] },
  { key: 'tanqueray', name: 'Tanqueray London Dry Gin', size: '1L', printed: ['TANQUERAY LONDON DRY GIN', 'Tanqueray Gin London Dry'] },
  { key: 'hendricks', name: "Hendrick's Gin", size: '750ml', printed: ["HENDRICK'S GIN", "Hendrick's Gin Original"] },
  {
    key: 'bacardi',
    name: 'Bacardi Superior Rum',
    size: '1L',
    printed: ['BACARDI SUPERIOR WHITE RUM', 'Bacardi Superior Rum Carta Blanca'],
  },
  { key: 'kraken', name: 'Kraken Black Spiced Rum', size: '1L', printed: ['KRAKEN BLACK SPICED RUM', 'The Kraken Black Spiced'] },
  { key: 'jameson', name: 'Jameson Irish Whiskey', size: '1L', printed: ['JAMESON IRISH WHISKEY', 'Jameson Whiskey Irish'] },
  { key: 'makers', name: "Maker's Mark Bourbon", size: '750ml', printed: ["MAKER'S MARK BOURBON", "Maker's Mark Kentucky Bourbon"] },
  { key: 'jackd', name: "Jack Daniel's Old No. 7", size: '1L', printed: ["JACK DANIEL'S OLD NO 7", "Jack Daniel's Tennessee Old No. 7"] },
  {
    key: 'johnnie',
    name: 'Johnnie Walker Black Label',
    size: '1L',
    printed: ['JOHNNIE WALKER BLACK LABEL 12YO', 'Johnnie Walker Black Label'],
  },
  { key: 'patron', name: 'Patron Silver Tequila', size: '750ml', printed: ['PATRON SILVER TEQUILA', 'Patron Tequila Silver'] },
  { key: 'espolon', name: 'Espolon Blanco Tequila', size: '1L', printed: ['ESPOLON BLANCO', 'Espolon Tequila Blanco'] },
  { key: 'cointreau', name: 'Cointreau', size: '1L', printed: ['COINTREAU TRIPLE SEC', 'Cointreau Orange Liqueur'] },
  { key: 'kahlua', name: 'Kahlua Coffee Liqueur', size: '1L', printed: ['KAHLUA COFFEE LIQUEUR', 'Kahlua Liqueur Coffee'] },
  { key: 'baileys', name: 'Baileys Irish Cream', size: '1L', printed: ['BAILEYS ORIGINAL IRISH CREAM', 'Baileys Irish Cream Liqueur'] },
  { key: 'martini', name: 'Martini Rosso Vermouth', size: '1L', printed: ['MARTINI ROSSO VERMOUTH', 'Martini Rosso Sweet Vermouth'] },
  { key: 'prosecco', name: 'La Marca Prosecco', size: '750ml', printed: ['LA MARCA PROSECCO DOC', 'La Marca Prosecco Brut'] },
  {
    key: 'moet',
    name: 'Moet Chandon Brut Imperial',
    size: '750ml',
    printed: ['MOET & CHANDON BRUT IMPERIAL', 'Moet Chandon Imperial Brut'],
  },
  { key: 'guinness', name: 'Guinness Draught Keg', size: '50L', printed: ['GUINNESS DRAUGHT KEG', 'Guinness Draught Stout Keg'] },
  { key: 'peroni', name: 'Peroni Nastro Azzurro', size: '330ml', printed: ['PERONI NASTRO AZZURRO 24PK', 'Peroni Nastro Azzurro Bottles'] },
  { key: 'angostura', name: 'Angostura Bitters', size: '200ml', printed: ['ANGOSTURA AROMATIC BITTERS', 'Angostura Aromatic Bitters'] },
  {
    key: 'fevertree',
    name: 'Fever-Tree Tonic Water',
    size: '200ml',
    printed: ['FEVER-TREE INDIAN TONIC 24PK', 'Fever-Tree Indian Tonic Water'],
  },
  {
    key: 'chambord',
    name: 'Chambord Raspberry Liqueur',
    size: '700ml',
    printed: ['CHAMBORD BLACK RASPBERRY', 'Chambord Raspberry Liqueur'],
  },
];

/** A seeded generator (mulberry32): the same seed gives the same invoices. */
export function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!,
    shuffle: <T>(xs: readonly T[]): T[] => {
      const out = [...xs];
      for (let i = out.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        [out[i], out[j]] = [out[j]!, out[i]!];
      }
      return out;
    },
  };
}
export type Rng = ReturnType<typeof rng>;
