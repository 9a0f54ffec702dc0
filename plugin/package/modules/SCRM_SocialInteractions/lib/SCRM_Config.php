<?php
if (!defined('sugarEntry') || !sugarEntry) {
    die('Not A Valid Entry Point');
}

/**
 * The SocialCRM settings: service URL and shared secret, kept in SuiteCRM's own
 * settings store (the config table through Administration, category 'socialcrm').
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
    const SECRET_PREFIX = 'b64:';

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
     */
    public static function load()
    {
        $admin = self::administration();
        $admin->retrieveSettings(self::CATEGORY);
        $settings = is_array($admin->settings) ? $admin->settings : array();
        $url = self::setting($settings, self::URL_KEY);
        $normalised = self::normaliseUrl(html_entity_decode($url, ENT_QUOTES, 'UTF-8'));
        return new self($normalised === null ? '' : $normalised, self::decodeSecret(self::setting($settings, self::SECRET_KEY)));
    }

    /**
     * Store the URL and, when given, a new secret (null keeps the current one).
     *
     * The secret is stored base64-encoded: SuiteCRM HTML-encodes values it reads from the
     * database, and the secret must come back byte for byte.
     */
    public static function save($serviceUrl, $secret = null)
    {
        $admin = self::administration();
        $admin->saveSetting(self::CATEGORY, self::URL_KEY, $serviceUrl);
        if ($secret !== null) {
            $admin->saveSetting(self::CATEGORY, self::SECRET_KEY, self::SECRET_PREFIX . base64_encode($secret));
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

    private static function decodeSecret($stored)
    {
        if (strpos($stored, self::SECRET_PREFIX) === 0) {
            $decoded = base64_decode(substr($stored, strlen(self::SECRET_PREFIX)), true);
            return $decoded === false ? '' : $decoded;
        }
        return html_entity_decode($stored, ENT_QUOTES, 'UTF-8');
    }

    private static function administration()
    {
        if (!class_exists('Administration')) {
            require_once 'modules/Administration/Administration.php';
        }
        return new Administration();
    }
}
