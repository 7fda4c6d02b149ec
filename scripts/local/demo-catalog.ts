/** The demo catalog loaded on the local platform's first start: 60 products over 6 categories. */
import type pg from "pg";
import type { ProductInput } from "../../app/src/catalog/product";
import { upsertProduct } from "../../app/src/catalog/product-repository";

const CATEGORIES: Record<string, { prefix: string; items: string[]; basePrice: number }> = {
  coffee: {
    prefix: "COF",
    basePrice: 1299,
    items: [
      "Ethiopia Yirgacheffe",
      "Colombia Huila",
      "Kenya AA",
      "Guatemala Antigua",
      "Sumatra Mandheling",
      "Brazil Santos",
      "Costa Rica Tarrazu",
      "Espresso Blend",
      "Decaf Swiss Water",
      "Rwanda Bourbon",
    ],
  },
  tea: {
    prefix: "TEA",
    basePrice: 899,
    items: [
      "Sencha",
      "Darjeeling First Flush",
      "Assam Breakfast",
      "Earl Grey",
      "Jasmine Pearls",
      "Oolong Tieguanyin",
      "Rooibos",
      "Chamomile",
      "Matcha Ceremonial",
      "Pu-erh",
    ],
  },
  brewing: {
    prefix: "BRW",
    basePrice: 2499,
    items: [
      "Pour-over Dripper",
      "Gooseneck Kettle",
      "French Press",
      "AeroPress",
      "Cold Brew Jar",
      "Paper Filters (100)",
      "Burr Grinder",
      "Digital Scale",
      "Moka Pot",
      "Milk Frother",
    ],
  },
  mugs: {
    prefix: "MUG",
    basePrice: 1499,
    items: [
      "Stoneware Mug",
      "Double-wall Glass",
      "Travel Tumbler",
      "Espresso Cups (2)",
      "Latte Bowl",
      "Enamel Camp Mug",
      "Porcelain Teacup",
      "Insulated Bottle",
      "Cortado Glass",
      "Ceramic Pour Mug",
    ],
  },
  snacks: {
    prefix: "SNK",
    basePrice: 499,
    items: [
      "Almond Biscotti",
      "Dark Chocolate 70%",
      "Shortbread Tin",
      "Stroopwafels",
      "Candied Ginger",
      "Hazelnut Cookies",
      "Cacao Nibs",
      "Oat Crackers",
      "Honey Madeleines",
      "Salted Caramels",
    ],
  },
  gifts: {
    prefix: "GFT",
    basePrice: 3999,
    items: [
      "Tasting Flight Box",
      "Tea Sampler",
      "Barista Starter Kit",
      "Gift Card 25",
      "Gift Card 50",
      "Subscription Month",
      "Latte Art Set",
      "Coffee Journal",
      "Brew Guide Book",
      "Holiday Hamper",
    ],
  },
};

export function demoProducts(): { sku: string; input: ProductInput }[] {
  const products: { sku: string; input: ProductInput }[] = [];
  for (const [category, { prefix, items, basePrice }] of Object.entries(CATEGORIES)) {
    items.forEach((name, i) => {
      products.push({
        sku: `${prefix}-${String(i + 1).padStart(3, "0")}`,
        input: {
          name,
          description: `${name} from the demo catalog.`,
          category,
          priceCents: basePrice + i * 100,
          currency: "USD",
          stock: 20 + ((i * 7) % 30),
        },
      });
    });
  }
  return products;
}

/** Loads the demo catalog when the products table is empty; returns how many were inserted. */
export async function seedDemoCatalog(pool: pg.Pool): Promise<number> {
  const { rows } = await pool.query<{ n: string }>("SELECT count(*) AS n FROM products");
  if (Number(rows[0]!.n) > 0) return 0;
  const products = demoProducts();
  for (const { sku, input } of products) await upsertProduct(pool, sku, input);
  return products.length;
}
