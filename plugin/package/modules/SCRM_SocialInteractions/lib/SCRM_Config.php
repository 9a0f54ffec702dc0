<?php
if (!defined('sugarEntry') || !sugarEntry) {
    die('Not A Valid Entry Point');
}

/**
 * The SocialCRM settings: service URL and shared secret, kept in SuiteCRM's own
 * settings store (the config table through Administration, category 'socialcrm').
 *
 * The secret is stored encrypted the way SuiteCRM 7 stores its own passwords ('encrypt'
 * fields in SugarBean, the LDAP and proxy passwords in Administration): Blowfish under the
 * key blowfishGetKey('encrypt_field') keeps in custom/blowfish/, so a dump of the database
 * alone does not hand it over. Releases up to 0.2.0 stored it base64-encoded ("b64:"), and by
 * hand it may be stored plain; such a value is read once and saved again encrypted.
 */
class SCRM_Config
{
    const CATEGORY = 'socialcrm';
    const URL_KEY = 'service_url';
    const SECRET_KEY = 'shared_secret';
    const MIN_SECRET_LENGTH = 16;
    const MAX_SECRET_LENGTH = 128;
    /**
     * The characters a secret may use. SuiteCRM passes every request field through
     * securexss() before any page sees it: " ' < > and ` become HTML entities and its AntiXSS
     * step removes whatever looks like script. A secret outside this set could be stored
     * altered and then sign every notice with a key the service does not know.
     */
    const SECRET_PATTERN = '~^[A-Za-z0-9._\~+/=-]+$~';
    /** An encrypted secret: "bf:" + blowfishEncode() (base64 of the Blowfish cipher text). */
    const SECRET_PREFIX = 'bf:';
    const LEGACY_SECRET_PREFIX = 'b64:';
    /** The key SugarBean encrypts 'encrypt' fields with (SugarBean::getEncryptKey). */
    const ENCRYPTION_KEY = 'encrypt_field';

    /** @var string */
    public $serviceUrl;
    /** @var string */
    public $secret;

    public function __construct($serviceUrl, $secret)
    {
        $this->serviceUrl = (string) $serviceUrl;
        $this->secret = (string) $secret;
    }

    /** True when events can be sent: both a URL and a secret are set. */
    public function isComplete()
    {
        return $this->serviceUrl !== '' && $this->secret !== '';
    }

    /**
     * Read the settings; may throw when the database is unavailable (callers decide).
     * A secret not stored encrypted yet is saved again encrypted (once; a failure to do so is
     * logged and the secret still used).
     */
    public static function load()
    {
        $admin = self::administration();
        $admin->retrieveSettings(self::CATEGORY);
        $settings = is_array($admin->settings) ? $admin->settings : array();
        $url = self::setting($settings, self::URL_KEY);
        $normalised = self::normaliseUrl(html_entity_decode($url, ENT_QUOTES, 'UTF-8'));
        $stored = self::setting($settings, self::SECRET_KEY);
        $secret = self::decodeSecret($stored);
        if ($secret !== '' && strpos($stored, self::SECRET_PREFIX) !== 0) {
            self::encryptStoredSecret($admin, $secret);
        }
        return new self($normalised === null ? '' : $normalised, $secret);
    }

    /**
     * Store the URL and, when given, a new secret (null keeps the current one), encrypted.
     * Throws when SuiteCRM's encryption would not give the secret back unchanged.
     */
    public static function save($serviceUrl, $secret = null)
    {
        $admin = self::administration();
        $encrypted = $secret === null ? null : self::encrypt((string) $secret);
        $admin->saveSetting(self::CATEGORY, self::URL_KEY, $serviceUrl);
        if ($encrypted !== null) {
            $admin->saveSetting(self::CATEGORY, self::SECRET_KEY, $encrypted);
        }
    }

    /**
     * "https://host[:port][/path]" without a trailing slash, or null when not acceptable.
     * User info in the URL is refused: credentials belong in the shared secret.
     */
    public static function normaliseUrl($url)
    {
        $url = trim((string) $url);
        if ($url === '' || strlen($url) > 255 || preg_match('/[\s\x00-\x1f\x7f]/', $url)) {
            return null;
        }
        $parts = parse_url($url);
        if ($parts === false || empty($parts['host']) || empty($parts['scheme'])) {
            return null;
        }
        $scheme = strtolower($parts['scheme']);
        if (($scheme !== 'http' && $scheme !== 'https') || isset($parts['user']) || isset($parts['pass'])
            || isset($parts['query']) || isset($parts['fragment'])) {
            return null;
        }
        return rtrim($url, '/');
    }

    /** "scheme://host[:port]/path" for logs: never more than where the data goes. */
    public static function describeUrl($url)
    {
        $parts = parse_url((string) $url);
        if ($parts === false || empty($parts['host'])) {
            return '(invalid URL)';
        }
        $port = isset($parts['port']) ? ':' . $parts['port'] : '';
        $path = isset($parts['path']) ? $parts['path'] : '';
        return (isset($parts['scheme']) ? $parts['scheme'] : 'http') . '://' . $parts['host'] . $port . $path;
    }

    /** 16 to 128 characters from SECRET_PATTERN's set. */
    public static function isAcceptableSecret($secret)
    {
        if (!is_string($secret)) {
            return false;
        }
        $length = strlen($secret);
        return $length >= self::MIN_SECRET_LENGTH && $length <= self::MAX_SECRET_LENGTH
            && preg_match(self::SECRET_PATTERN, $secret) === 1;
    }

    private static function setting(array $settings, $key)
    {
        $name = self::CATEGORY . '_' . $key;
        return isset($settings[$name]) ? (string) $settings[$name] : '';
    }

    /**
     * The secret as stored by this release (encrypted), by 0.2.0 and older (base64) or by hand
     * (plain, HTML-encoded as SuiteCRM reads every setting back). A value that does not decrypt
     * to text (custom/blowfish/ lost or replaced, a database restored into another SuiteCRM)
     * reads as no secret: notices stop, which the log says, instead of leaving signed with a
     * key the service does not know.
     */
    private static function decodeSecret($stored)
    {
        if (strpos($stored, self::SECRET_PREFIX) === 0) {
            $secret = self::decrypt($stored);
            if ($secret === '' || preg_match('/^[^\x00-\x1f\x7f]+$/u', $secret) !== 1) {
                self::log('error', 'SocialCRM: the stored shared secret cannot be decrypted with this '
                    . "SuiteCRM's key (custom/blowfish); change notices are off until an administrator "
                    . 'enters the secret again');
                return '';
            }
            return $secret;
        }
        if (strpos($stored, self::LEGACY_SECRET_PREFIX) === 0) {
            $decoded = base64_decode(substr($stored, strlen(self::LEGACY_SECRET_PREFIX)), true);
            return $decoded === false ? '' : $decoded;
        }
        return html_entity_decode($stored, ENT_QUOTES, 'UTF-8');
    }

    private static function encryptStoredSecret($admin, $secret)
    {
        try {
            $admin->saveSetting(self::CATEGORY, self::SECRET_KEY, self::encrypt($secret));
        } catch (\Throwable $error) {
            self::log('warn', 'SocialCRM: the shared secret is still stored unencrypted: '
                . get_class($error));
        }
    }

    private static function encrypt($secret)
    {
        self::loadEncryption();
        $encrypted = self::SECRET_PREFIX . blowfishEncode(blowfishGetKey(self::ENCRYPTION_KEY), $secret);
        if (self::decrypt($encrypted) !== $secret) {
            // blowfishDecode() trims what it decrypts: a secret with spaces at either end
            throw new \InvalidArgumentException('the secret does not survive SuiteCRM\'s encryption');
        }
        return $encrypted;
    }

    private static function decrypt($stored)
    {
        self::loadEncryption();
        return (string) blowfishDecode(blowfishGetKey(self::ENCRYPTION_KEY), substr($stored, strlen(self::SECRET_PREFIX)));
    }

    private static function loadEncryption()
    {
        if (!function_exists('blowfishEncode')) {
            require_once 'include/utils/encryption_utils.php';
        }
    }

    /** Errors and warnings without the secret; the logger method is named, not computed. */
    private static function log($level, $message)
    {
        if (!isset($GLOBALS['log']) || !is_object($GLOBALS['log'])) {
            return;
        }
        if ($level === 'error') {
            $GLOBALS['log']->error($message);
        } else {
            $GLOBALS['log']->warn($message);
        }
    }

    private static function administration()
    {
        if (!class_exists('Administration')) {
            require_once 'modules/Administration/Administration.php';
        }
        return new Administration();
    }
}
