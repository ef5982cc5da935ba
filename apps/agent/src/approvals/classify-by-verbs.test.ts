import { describe, expect, it } from 'vitest';
import type { ToolEffect } from '../tools/agent-tool.js';
import { classifyByVerbs, wordsOf } from './classify-by-verbs.js';

type Case = [name: string, description: string, expected: ToolEffect | 'unknown'];

describe('wordsOf', () => {
  it('splits snake, kebab, camel and Pascal case, removes accents and lowers case', () => {
    expect(wordsOf('Supprimer_Fichier')).toEqual(['supprimer', 'fichier']);
    expect(wordsOf('deleteFile')).toEqual(['delete', 'file']);
    expect(wordsOf('remove-book')).toEqual(['remove', 'book']);
    expect(wordsOf('HTTPRequestSend')).toEqual(['http', 'request', 'send']);
    expect(wordsOf("Écrase l'ancienne version.")).toEqual(['ecrase', 'l', 'ancienne', 'version']);
    expect(wordsOf('effaçons')).toEqual(['effacons']);
  });
});

describe('classifyByVerbs', () => {
  const destructive: Case[] = [
    ['delete_file', '', 'destructive'],
    ['deleteFile', 'Deletes a file.', 'destructive'],
    ['remove-book', '', 'destructive'],
    ['RemoveBook', '', 'destructive'],
    ['erase_disk', '', 'destructive'],
    ['overwrite_config', '', 'destructive'],
    ['files', 'Overwrites the file with the given content.', 'destructive'],
    ['Supprimer_Fichier', '', 'destructive'],
    ['supprimer-livre', 'Supprime un livre de la bibliothèque.', 'destructive'],
    ['notes', 'Efface toutes les notes', 'destructive'],
    ['EFFACER_TOUT', '', 'destructive'],
    ['ecraser_fichier', '', 'destructive'],
    ['écraserFichier', '', 'destructive'],
    ['notes', 'Les notes supprimées ne reviennent pas.', 'destructive'],
    ['wipe', '', 'destructive'],
    ['drop_table', '', 'destructive'],
    ['forget_fact', '', 'destructive'],
    ['oublier', '', 'destructive'],
    ['vider_corbeille', '', 'destructive'],
    // Glued words: the stem is found inside the name's word.
    ['filedelete', '', 'destructive'],
    ['purgeall', '', 'destructive'],
    // The strongest verb wins: a read verb does not lower a destructive one.
    ['search_and_delete', 'Searches notes and deletes the matches.', 'destructive'],
    ['get_files', 'Lists files, then removes the old ones.', 'destructive'],
    // The description never lowers the class of the name: "safe" changes nothing.
    ['delete_all', 'Safe, read-only, never changes anything.', 'destructive'],
    ['supprimer_tout', 'Outil sûr : ne fait que lire.', 'destructive'],
    // No negation is understood: text that could lower a class could be written by a hostile server.
    ['list_notes', 'Lists notes; never deletes anything.', 'destructive'],
    // undelete restores; we do not reason about prefixes (un-, re-): it holds "delete", so it asks always.
    ['undelete', 'Restores a deleted file.', 'destructive'],
    ['undeleteFile', '', 'destructive'],
  ];

  const write: Case[] = [
    ['generate_image', '', 'write'],
    ['générer_image', '', 'write'],
    ['GenererMusique', '', 'write'],
    ['train_model', '', 'write'],
    ['entraîner_modèle', '', 'write'],
    ['entrainer-modele', '', 'write'],
    ['send_email', '', 'write'],
    ['sendMessage', 'Sends a message to a contact.', 'write'],
    ['envoyer_message', '', 'write'],
    ['mail', 'Envoie un courriel.', 'write'],
    ['publish_post', '', 'write'],
    ['publier-article', '', 'write'],
    ['article', 'Publie un article sur le blog.', 'write'],
    ['write_file', '', 'write'],
    ['create_issue', '', 'write'],
    ['updateRecord', '', 'write'],
    ['modify_settings', '', 'write'],
    ['move_file', '', 'write'],
    ['rename_file', '', 'write'],
    ['upload', '', 'write'],
    ['run_script', '', 'write'],
    ['execute_command', '', 'write'],
    ['install_package', '', 'write'],
    ['créer_note', '', 'write'],
    ['enregistrer', '', 'write'],
    ['createfile', '', 'write'],
    // A read verb in the name, a write verb in the description: the strongest wins.
    ['get_token', 'Gets a token and sends it to the server.', 'write'],
  ];

  const read: Case[] = [
    ['get_weather', '', 'read'],
    ['list_files', 'Lists the files of a folder.', 'read'],
    ['searchBooks', '', 'read'],
    ['read_file', '', 'read'],
    ['find-person', '', 'read'],
    ['show_calendar', '', 'read'],
    ['fetch_page', '', 'read'],
    ['lire_fichier', '', 'read'],
    ['chercher', '', 'read'],
    ['rechercher_livres', 'Recherche dans la bibliothèque.', 'read'],
    ['lister-notes', '', 'read'],
    ['weather', 'Gets the weather of a city.', 'read'],
    ['meteo', 'Affiche la météo.', 'read'],
  ];

  const unknown: Case[] = [
    ['frobnicate', '', 'unknown'],
    ['widget', 'Does the thing with the widget.', 'unknown'],
    ['query_database', 'Runs nothing; see docs.', 'write'],
    ['query_database', 'Talks to the database.', 'unknown'],
    ['', '', 'unknown'],
    ['gizmo', 'Machin truc.', 'unknown'],
  ];

  it.each([...destructive, ...write, ...read, ...unknown])(
    '%s — "%s" → %s',
    (name, description, expected) => {
      expect(classifyByVerbs(name, description)).toBe(expected);
    },
  );

  it('knows the forms of the issue verbs, French and English', () => {
    const forms: [string, ToolEffect][] = [
      ['deletes', 'destructive'],
      ['deleted', 'destructive'],
      ['deleting', 'destructive'],
      ['removing', 'destructive'],
      ['erased', 'destructive'],
      ['overwritten', 'destructive'],
      ['supprimez', 'destructive'],
      ['supprimons', 'destructive'],
      ['supprimé', 'destructive'],
      ['suppression', 'destructive'],
      ['effacées', 'destructive'],
      ['écrasera', 'destructive'],
      ['generates', 'write'],
      ['generated', 'write'],
      ['trains', 'write'],
      ['trained', 'write'],
      ['sent', 'write'],
      ['sending', 'write'],
      ['published', 'write'],
      ['génère', 'write'],
      ['générée', 'write'],
      ['entraîne', 'write'],
      ['entraînement', 'write'],
      ['envoie', 'write'],
      ['envoyé', 'write'],
      ['envoyez', 'write'],
      ['publié', 'write'],
      ['publions', 'write'],
    ];
    for (const [word, effect] of forms)
      expect([word, classifyByVerbs('x', `It ${word} it.`)]).toEqual([word, effect]);
  });

  it('lets annotations raise the class, never lower it', () => {
    expect(classifyByVerbs('get_weather', '', { destructiveHint: true })).toBe('destructive');
    expect(classifyByVerbs('frobnicate', '', { destructiveHint: true })).toBe('destructive');
    expect(classifyByVerbs('delete_all', '', { readOnlyHint: true, destructiveHint: false })).toBe(
      'destructive',
    );
    expect(classifyByVerbs('send_mail', '', { readOnlyHint: true })).toBe('write');
    expect(classifyByVerbs('frobnicate', '', { readOnlyHint: true })).toBe('unknown');
    expect(classifyByVerbs('get_weather', '', { readOnlyHint: true })).toBe('read');
  });

  it("classifies the agent's own tool names no lower than its registry does", () => {
    // The registry decides for our tools; this checks the lists agree with it where a verb is present.
    expect(classifyByVerbs('remove_book', '')).toBe('destructive');
    expect(classifyByVerbs('forget', '')).toBe('destructive');
    expect(classifyByVerbs('speak', '')).toBe('write');
    expect(classifyByVerbs('compose', '')).toBe('write');
    expect(classifyByVerbs('search_books', '')).toBe('read');
    expect(classifyByVerbs('recall', '')).toBe('read');
    expect(classifyByVerbs('transcribe', '')).toBe('read');
    expect(classifyByVerbs('rmdir', '')).toBe('destructive');
    expect(classifyByVerbs('rm', '')).toBe('destructive');
  });
});
