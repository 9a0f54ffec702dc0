<?php
if (!defined('sugarEntry') || !sugarEntry) {
    die('Not A Valid Entry Point');
}

/**
 * Keeps characters outside Unicode's Basic Multilingual Plane (emoji, some CJK, flags) on
 * SuiteCRM's default 3-byte utf8 database, where MySQL turns each of them into "????".
 *
 * SuiteCRM 7's installer makes every table, the database and its own connection `utf8`
 * (utf8mb3). Converting tables would not help while SuiteCRM's connection stays utf8mb3, and
 * an HTML reference such as "&#x1F621;" does not survive either: SuiteCRM's save path
 * html-decodes every value (from_html, HTMLPurifier). So, on the modules SocialCRM writes:
 *
 * - before_save (after SuiteCRM's sanitizer ran) stores each such character as the escape
 *   "\u{1F621}" (upper-case hex, no leading zeros, always 5 or 6 digits);
 * - after_retrieve and process_record (list views, subpanels) turn those escapes into HTML
 *   references ("&#x1F621;") in the loaded record, which SuiteCRM's screens render as the
 *   character; the V8 API answers with the same references, which the SocialCRM client
 *   decodes. A record loaded and saved again comes back here with either the character (the
 *   sanitizer decoded the reference) or the reference (fields it does not sanitize): both are
 *   stored as the escape again.
 *
 * Encoding is idempotent: an escape is plain ASCII and is left as it is, so a record saved
 * twice in one request (workflows, other hooks) is not escaped twice. The price: a text that
 * itself contains such an escape reads back as the character it names. On a connection that
 * carries 4-byte characters (utf8mb4, or a database that is not MySQL) they are stored as
 * they are. Only stored fields that hold strings are touched.
 */
class SCRM_TextGuard
{
    /** An escape this class writes: a code point of the supplementary planes. */
    const ESCAPE_PATTERN = '/\\\\u\{(10[0-9A-F]{4}|[1-9A-F][0-9A-F]{4})\}/';
    /** A reference forDisplay() writes, back in a field SuiteCRM's sanitizer did not decode. */
    const REFERENCE_PATTERN = '/&#x(10[0-9A-F]{4}|[1-9A-F][0-9A-F]{4});/';

    /** @var bool|null whether the database stores 4-byte characters; null: not checked yet */
    private static $storesAstral = null;

    /** before_save hook. */
    public function beforeSave($bean, $event = '', $arguments = array())
    {
        try {
            if (self::storesAstral()) {
                return;
            }
            foreach (self::stringFields($bean) as $name) {
                $bean->$name = self::encode($bean->$name);
            }
        } catch (\Throwable $error) {
            self::logError($error);
        }
    }

    /** after_retrieve and process_record hook. */
    public function forDisplay($bean, $event = '', $arguments = array())
    {
        try {
            foreach (self::stringFields($bean) as $name) {
                if (strpos($bean->$name, '\\u{') !== false) {
                    $bean->$name = self::toHtml($bean->$name);
                }
            }
        } catch (\Throwable $error) {
            self::logError($error);
        }
    }

    /** The text as stored on a 3-byte database: each 4-byte character as its escape. */
    public static function encode($text)
    {
        $text = self::replaceCodes(self::REFERENCE_PATTERN, (string) $text, 'char');
        if (!preg_match('/[\x{10000}-\x{10FFFF}]/u', $text)) {
            return $text; // also when $text is not UTF-8: left to SuiteCRM
        }
        $encoded = '';
        foreach (mb_str_split($text, 1, 'UTF-8') as $char) {
            $encoded .= strlen($char) === 4 ? sprintf('\\u{%X}', mb_ord($char, 'UTF-8')) : $char;
        }
        return $encoded;
    }

    /** The stored text with its escapes as HTML numeric references, for display. */
    public static function toHtml($stored)
    {
        return self::replaceCodes(self::ESCAPE_PATTERN, (string) $stored, 'reference');
    }

    /**
     * A record's summary (its name) for SuiteCRM's tracker, which feeds Recently Viewed.
     *
     * The tracker writes the summary with DBManager::quote, which html-decodes it: a reference
     * "&#x1F621;" would become the character and then "????". A numeric reference without
     * its semicolon is left alone by PHP's decoder and still read as the character by every
     * browser, in Recently Viewed and in the page title alike. A reference right before a
     * letter or digit needs its semicolon (the next character would be read as part of it).
     */
    public static function forSummary($html)
    {
        $parts = preg_split('/(&#x(?:10[0-9A-F]{4}|[1-9A-F][0-9A-F]{4});)/', (string) $html, -1,
            PREG_SPLIT_DELIM_CAPTURE);
        if ($parts === false || count($parts) === 1) {
            return (string) $html;
        }
        $out = '';
        foreach ($parts as $index => $part) {
            if ($index % 2 === 1) {
                $next = isset($parts[$index + 1]) ? substr($parts[$index + 1], 0, 1) : '';
                $part = ($next === '' || !preg_match('/[0-9A-Za-z;]/', $next)) ? substr($part, 0, -1) : $part;
            }
            $out .= $part;
        }
        return $out;
    }

    /** The stored text with its escapes turned back into the characters. */
    public static function decode($stored)
    {
        return self::replaceCodes(self::ESCAPE_PATTERN, (string) $stored, 'char');
    }

    /**
     * Replace each match of $pattern (whose group 1 is a hex code point) by the character or
     * its HTML reference. (SuiteCRM's package scanner refuses preg_replace_callback.)
     */
    private static function replaceCodes($pattern, $text, $as)
    {
        $parts = preg_split($pattern, $text, -1, PREG_SPLIT_DELIM_CAPTURE);
        if ($parts === false || count($parts) === 1) {
            return $text;
        }
        $out = '';
        foreach ($parts as $index => $part) {
            if ($index % 2 === 0) {
                $out .= $part;
            } else {
                $out .= $as === 'char' ? mb_chr(hexdec($part), 'UTF-8') : '&#x' . $part . ';';
            }
        }
        return $out;
    }

    /** Whether this SuiteCRM's database connection carries 4-byte UTF-8. */
    public static function storesAstral()
    {
        if (self::$storesAstral === null) {
            $db = isset($GLOBALS['db']) ? $GLOBALS['db'] : null;
            if (!is_object($db) || !isset($db->dbType) || $db->dbType !== 'mysql') {
                self::$storesAstral = is_object($db);
            } else {
                $charset = method_exists($db, 'getCharset') ? strtolower(trim((string) $db->getCharset(), "'\"")) : 'utf8';
                self::$storesAstral = strpos($charset, 'utf8mb4') === 0;
            }
        }
        return self::$storesAstral;
    }

    /** Test seam: forget what storesAstral() found. */
    public static function reset($storesAstral = null)
    {
        self::$storesAstral = $storesAstral;
    }

    /** @return string[] names of the stored fields whose value is a string */
    private static function stringFields($bean)
    {
        $names = array();
        $defs = isset($bean->field_defs) && is_array($bean->field_defs) ? $bean->field_defs : array();
        foreach ($defs as $name => $def) {
            if (!is_array($def) || (isset($def['source']) && $def['source'] === 'non-db')) {
                continue;
            }
            if (isset($def['type']) && in_array($def['type'], array('link', 'id', 'bool'), true)) {
                continue;
            }
            if (isset($bean->$name) && is_string($bean->$name) && $bean->$name !== '') {
                $names[] = (string) $name;
            }
        }
        return $names;
    }

    private static function logError(\Throwable $error)
    {
        if (isset($GLOBALS['log']) && is_object($GLOBALS['log'])) {
            $GLOBALS['log']->fatal('SocialCRM: text guard skipped after an internal error: '
                . get_class($error) . ': ' . $error->getMessage());
        }
    }
}
