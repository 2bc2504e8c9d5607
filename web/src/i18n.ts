// French first; English with `?lang=en` in the page's address.

const fr = {
  title: "Document confidentiel",
  intro: "Un document vous a été envoyé de façon chiffrée. Il ne s'ouvre qu'avec le code reçu séparément, par SMS ou dans un second courriel.",
  from: "Expéditeur",
  verified: "identité vérifiée : sa clé est celle de l'annuaire du serveur",
  not_verified: "identité non vérifiée : l'annuaire du serveur ne confirme pas la clé qui a signé ce document",
  size: "Taille",
  expires: "Disponible jusqu'au",
  code_label: "Code",
  code_hint: "Les 6 chiffres reçus par SMS ou dans le second courriel.",
  open: "Ouvrir le document",
  opening: "Déchiffrement en cours…",
  progress: "{done} sur {total} déchiffrés",
  files: "Documents reçus",
  files_hint: "Le document a été déchiffré dans votre navigateur ; la signature de l'expéditeur et l'intégrité de chaque fichier ont été vérifiées.",
  download: "Télécharger {name}",
  switch_language: "English",
  loading: "Chargement…",
  // Failures.
  link_incomplete: "Ce lien est incomplet. Copiez-le en entier depuis le courriel reçu, y compris la partie après « # ».",
  link_not_found: "Ce lien n'existe pas ou n'est plus disponible.",
  invalid_code: "Code incorrect. Il reste {n} essai(s).",
  invalid_code_format: "Le code est fait de 6 chiffres.",
  link_locked: "Ce lien est bloqué après 5 codes incorrects. L'expéditeur a été prévenu ; demandez-lui un nouvel envoi.",
  link_expired: "Ce lien a expiré. Demandez à l'expéditeur un nouvel envoi.",
  link_exhausted: "Ce document a déjà été téléchargé le nombre de fois permis. Demandez à l'expéditeur un nouvel envoi.",
  link_withdrawn: "L'expéditeur a retiré ce lien.",
  too_many: "Trop d'essais en peu de temps. Réessayez dans quelques minutes.",
  invalid_token: "Votre accès au document a expiré. Saisissez de nouveau le code.",
  wrong_key: "Ce lien ne permet pas d'ouvrir ce document : la clé ne correspond pas. Vérifiez que le lien est complet et qu'il correspond au code saisi.",
  tampered: "Le document a été modifié ou est incomplet : il a été refusé et rien n'a été enregistré. Prévenez l'expéditeur.",
  signature: "La signature de l'expéditeur ne correspond pas : le document a été refusé et rien n'a été enregistré. Prévenez l'expéditeur.",
  storage: "Votre navigateur n'a pas pu stocker le document (espace insuffisant ou navigation privée). Rien n'a été enregistré.",
  network: "Le serveur ne répond pas. Vérifiez votre connexion et réessayez.",
  server: "Le serveur a refusé la demande ({code}). Réessayez plus tard.",
  receipt_failed: "L'accusé de réception n'a pas pu être envoyé ; les documents restent disponibles ci-dessous.",
  // The upload page of requests.
  r_title: "Envoi de documents",
  r_intro: "Une personne vous demande des documents. Ils sont chiffrés dans votre navigateur avant l'envoi : seul le destinataire pourra les lire.",
  r_from: "Demandeur",
  r_for: "Destinataire",
  r_verified: "identité vérifiée : la demande est signée par la clé de l'annuaire du serveur",
  r_not_verified: "identité non vérifiée : l'annuaire du serveur ne confirme pas la clé qui a signé cette demande",
  r_files: "Fichiers",
  r_name: "Votre nom (facultatif)",
  r_send: "Envoyer les documents",
  r_sending: "Chiffrement et envoi en cours…",
  r_resuming: "Reprise de l'envoi…",
  r_sent: "Vos documents ont été chiffrés et envoyés. Vous pouvez fermer cette page.",
  r_no_files: "Choisissez au moins un fichier.",
  r_bad_name: "Le nom de fichier « {name} » n'est pas accepté (caractères interdits ou deux fichiers du même nom). Renommez-le.",
  r_incomplete: "Ce lien est incomplet. Copiez-le en entier depuis le courriel reçu, y compris la partie après « # ».",
  r_not_found: "Cette demande n'existe pas ou n'est plus disponible.",
  r_expired: "Cette demande a expiré. Demandez-en une nouvelle à la personne qui vous l'a envoyée.",
  r_exhausted: "Cette demande a déjà reçu tous les envois prévus. Demandez-en une nouvelle si nécessaire.",
  r_withdrawn: "La personne qui a envoyé cette demande l'a retirée.",
  r_bad_signature: "La signature de cette demande ne correspond pas à son auteur : rien ne sera envoyé. Prévenez la personne qui vous l'a adressée.",
  r_too_large: "Ces fichiers dépassent la taille acceptée par le serveur ({max}).",
};

const en: Record<keyof typeof fr, string> = {
  title: "Confidential document",
  intro: "A document was sent to you encrypted. It opens only with the code you received separately, by text message or in a second email.",
  from: "Sender",
  verified: "identity verified: their key is the one in the server's directory",
  not_verified: "identity not verified: the server's directory does not confirm the key that signed this document",
  size: "Size",
  expires: "Available until",
  code_label: "Code",
  code_hint: "The 6 digits received by text message or in the second email.",
  open: "Open the document",
  opening: "Decrypting…",
  progress: "{done} of {total} decrypted",
  files: "Documents received",
  files_hint: "The document was decrypted in your browser; the sender's signature and every file's integrity were verified.",
  download: "Download {name}",
  switch_language: "Français",
  loading: "Loading…",
  link_incomplete: "This link is incomplete. Copy it whole from the email you received, including the part after “#”.",
  link_not_found: "This link does not exist or is no longer available.",
  invalid_code: "Wrong code. {n} attempt(s) left.",
  invalid_code_format: "The code is 6 digits.",
  link_locked: "This link is locked after 5 wrong codes. The sender was told; ask them to send it again.",
  link_expired: "This link has expired. Ask the sender to send it again.",
  link_exhausted: "This document was already downloaded as many times as allowed. Ask the sender to send it again.",
  link_withdrawn: "The sender withdrew this link.",
  too_many: "Too many attempts in a short time. Try again in a few minutes.",
  invalid_token: "Your access to the document expired. Type the code again.",
  wrong_key: "This link cannot open this document: the key does not match. Check that the link is complete and goes with the code you typed.",
  tampered: "The document was modified or is incomplete: it was refused and nothing was saved. Tell the sender.",
  signature: "The sender's signature does not match: the document was refused and nothing was saved. Tell the sender.",
  storage: "Your browser could not store the document (not enough space, or private browsing). Nothing was saved.",
  network: "The server does not answer. Check your connection and try again.",
  server: "The server refused the request ({code}). Try again later.",
  receipt_failed: "The receipt could not be sent; the documents are still available below.",
  r_title: "Sending documents",
  r_intro: "Someone asks you for documents. They are encrypted in your browser before they leave: only the recipient can read them.",
  r_from: "Requested by",
  r_for: "Recipient",
  r_verified: "identity verified: the request is signed with the key in the server's directory",
  r_not_verified: "identity not verified: the server's directory does not confirm the key that signed this request",
  r_files: "Files",
  r_name: "Your name (optional)",
  r_send: "Send the documents",
  r_sending: "Encrypting and sending…",
  r_resuming: "Resuming the upload…",
  r_sent: "Your documents were encrypted and sent. You may close this page.",
  r_no_files: "Choose at least one file.",
  r_bad_name: "The file name “{name}” is not accepted (forbidden characters, or two files with the same name). Rename it.",
  r_incomplete: "This link is incomplete. Copy it whole from the email you received, including the part after “#”.",
  r_not_found: "This request does not exist or is no longer available.",
  r_expired: "This request has expired. Ask the person who sent it for a new one.",
  r_exhausted: "This request has already received every upload it allows. Ask for a new one if needed.",
  r_withdrawn: "The person who sent this request withdrew it.",
  r_bad_signature: "This request's signature does not match its author: nothing will be sent. Tell the person who sent it to you.",
  r_too_large: "These files are larger than the server accepts ({max}).",
};

export type MessageKey = keyof typeof fr;

export type Language = "fr" | "en";

export function pageLanguage(search: string): Language {
  return new URLSearchParams(search).get("lang") === "en" ? "en" : "fr";
}

export function translator(language: Language): (key: MessageKey, params?: Record<string, string | number>) => string {
  const messages = language === "en" ? en : fr;
  return (key, params = {}) => messages[key].replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? ""));
}

export function formatSize(bytes: number, language: Language): string {
  const units = language === "en" ? ["bytes", "KB", "MB", "GB"] : ["octets", "Ko", "Mo", "Go"];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  const number = new Intl.NumberFormat(language === "en" ? "en-GB" : "fr-FR", { maximumFractionDigits: unit === 0 ? 0 : 1 }).format(value);
  return `${number} ${units[unit]}`;
}

export function formatTime(unixSeconds: number, language: Language): string {
  return new Intl.DateTimeFormat(language === "en" ? "en-GB" : "fr-FR", { dateStyle: "long", timeStyle: "short" }).format(new Date(unixSeconds * 1000));
}
