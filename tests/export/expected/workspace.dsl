workspace "Architecture" "Exported by archatlas." {
    !identifiers flat

    model {
        customer = person "Customer" "" {
            properties {
                "archatlas.kind" "actor"
                "archatlas.id" "customer"
            }
        }
        payments = softwareSystem "Payments Inc." "" "Vendor" {
            properties {
                "archatlas.kind" "vendor"
                "archatlas.id" "payments"
                "owner" "shop-team"
            }
        }
        shop = softwareSystem "Shop" "Everything customers buy through: the \"storefront\" and its back end." {
            properties {
                "archatlas.kind" "system"
                "archatlas.id" "shop"
                "owner" "shop-team"
            }
            api = container "api" "" "example/api:2.0" {
                properties {
                    "archatlas.kind" "service"
                    "archatlas.id" "api"
                    "owner" "shop-team"
                }
            }
            orders-db = container "Orders DB" "" "postgres" "Database" {
                properties {
                    "archatlas.kind" "datastore"
                    "archatlas.id" "orders-db"
                    "owner" "shop-team"
                }
            }
            web = container "Web" "" "example/web:1.4" "frontend,Customer Facing" {
                properties {
                    "archatlas.kind" "service"
                    "archatlas.id" "web"
                    "owner" "shop-team"
                }
            }
        }
        api -> orders-db "writes" {
            properties {
                "data" "confidential"
            }
        }
        api -> payments "charges cards" {
            properties {
                "data" "confidential"
            }
        }
        customer -> web "calls" "https"
        web -> api "calls" "grpc"
    }

    views {
        systemLandscape "landscape" {
            include *
            autoLayout
        }
        systemContext payments "payments-context" {
            include *
            autoLayout
        }
        systemContext shop "shop-context" {
            include *
            autoLayout
        }
        container shop "shop-containers" {
            include *
            autoLayout
        }
        styles {
            element "Person" {
                shape person
            }
            element "Database" {
                shape cylinder
            }
        }
    }
}
