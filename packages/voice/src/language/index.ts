export { formatLanguage, type Language, type LanguageStyle, parseLanguage } from './language-codes.js';
