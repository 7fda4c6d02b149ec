/**
 * The placeholder product card and how many make a page: the build writes a page of them
 * into index.html (drawn before the script runs) and the listing draws the same while a
 * page loads, so both reserve the real cards' size. Pure: the Vite config imports it.
 */
export const PAGE_SIZE = 12;

export const SKELETON_CARD_HTML =
  '<li class="skeleton-card" aria-hidden="true"><div class="skeleton-art"></div><p class="product-name"></p><p class="price"></p><p class="stock"></p><div class="button-placeholder"></div></li>';

/** Where index.html asks for a page of placeholder cards. */
export const SKELETON_CARDS_MARKER = /<!-- skeleton-cards:[^>]*-->/;
