// What a model reads about the filter's parts, the same for every tool that takes them.
export const bookFilterDescriptions = {
  books:
    'only these books, by id (as list_books gives it) or exact title; any of them (a title close to one is answered with the near matches)',
  author: 'only the books by this author (any of their names, any case or accents)',
  language: "only the books in this language: 'en', 'fr', …",
  shelf: 'only the books on this shelf (a tag the user put on books)',
} as const;
